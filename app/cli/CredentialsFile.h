#pragma once

#include "auth/Credential.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QString>

// The --credentials file of `patchbay dryrun`: one JSON object with the connection's secrets and config. Every
// field is checked for its type, and a problem names the file, the field and what it must be — never the value,
// since the values are secrets.
struct CredentialsFile
{
    static constexpr qint64 kMaxBytes = 1024 * 1024;

    patchbay::Credential credential;
    QJsonObject connection; // the connection config: instance_url, subdomain, cloud_id, ...

    static patchbay::Result<CredentialsFile> read(const QString &path);
    // The checks of read() on bytes already read; path only names the file in errors.
    static patchbay::Result<CredentialsFile> parse(const QByteArray &bytes, const QString &path);
    // One line per field, for the usage text.
    static QString fieldHelp();
};
