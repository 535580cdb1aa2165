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
    // Puts a refreshed token pair (access_token, refresh_token, expires_at) into the file at path, keeping its
    // other fields and its mode. The file is replaced atomically (a synced temporary file in the same directory,
    // renamed over it), so a crash leaves either the old tokens or the new ones, never a torn file.
    static patchbay::Result<void> writeTokens(const QString &path, const patchbay::Credential &credential);
    // One line per field, for the usage text.
    static QString fieldHelp();
};
