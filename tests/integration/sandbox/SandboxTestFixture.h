#pragma once

#include "SandboxTestClient.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <memory>

// What the emulator tests share beyond the HTTP client: starting an emulator with its client, and reading Link
// headers.
class SandboxTestFixture
{
public:
    // Creates the emulator on a free loopback port and a client for it; false when it cannot listen.
    template <typename Emulator>
    static bool start(std::unique_ptr<Emulator> &emulator, std::unique_ptr<SandboxTestClient> &client)
    {
        emulator = std::make_unique<Emulator>();
        if (emulator->listen() == 0)
            return false;
        client = std::make_unique<SandboxTestClient>(emulator->baseUrl());
        return true;
    }

    // rel -> URL of a Link header (RFC 8288), read independently of the emulators' own writer.
    static QHash<QString, QString> parseLinks(const QByteArray &header);
};
