// Requests per second on one kept-alive connection to the server adapter (engine/server/HttpService):
//     hotpath_http_bench BODY_BYTES [SECONDS]
// The server answers every GET with a JSON body of BODY_BYTES; a plain blocking client on another thread sends the
// next request as soon as the whole previous response has arrived, so a response held back by the server's socket
// (Nagle's algorithm meeting the client's delayed ACK) shows as a drop to a few dozen requests per second.
#include "server/HttpService.h"

#include <QCoreApplication>
#include <QMetaObject>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

using namespace patchbay;

namespace {

// Reads one response (head and Content-Length body) from the socket; false when the connection broke.
bool readResponse(int fd, std::string &buffer)
{
    char chunk[65536];
    std::size_t headEnd = std::string::npos;
    std::size_t total = 0;
    while (true) {
        if (headEnd == std::string::npos) {
            headEnd = buffer.find("\r\n\r\n");
            if (headEnd != std::string::npos) {
                const std::size_t at = buffer.find("Content-Length: ");
                if (at == std::string::npos || at > headEnd)
                    return false;
                total = headEnd + 4 + std::strtoul(buffer.c_str() + at + 16, nullptr, 10);
            }
        }
        if (headEnd != std::string::npos && buffer.size() >= total) {
            buffer.erase(0, total);
            return true;
        }
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return false;
        buffer.append(chunk, std::size_t(n));
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: hotpath_http_bench BODY_BYTES [SECONDS]\n");
        return 2;
    }
    const int bodyBytes = std::atoi(argv[1]);
    const double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
    QByteArray body = "[" + QByteArray(qMax(0, bodyBytes - 2), 'x') + "]";
    body.replace('x', ' ');

    HttpService service;
    service.setHandler([&body](const HttpServerRequest &) { return HttpServerResponse::json(body); });
    const quint16 port = service.listen();
    if (port == 0) {
        std::fprintf(stderr, "cannot listen\n");
        return 1;
    }

    long requests = 0;
    double elapsed = 0;
    bool broken = false;
    std::thread client([&] {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        broken = ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0;
        const std::string request = "GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n";
        std::string buffer;
        const auto start = std::chrono::steady_clock::now();
        while (!broken) {
            broken = ::send(fd, request.data(), request.size(), 0) != ssize_t(request.size()) ||
                     !readResponse(fd, buffer);
            ++requests;
            elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (elapsed >= seconds)
                break;
        }
        ::close(fd);
        QMetaObject::invokeMethod(&app, &QCoreApplication::quit, Qt::QueuedConnection);
    });
    QCoreApplication::exec();
    client.join();
    if (broken) {
        std::fprintf(stderr, "the connection broke after %ld requests\n", requests);
        return 1;
    }
    std::printf("%d-byte responses: %.0f requests/s on one kept-alive connection (%ld in %.2f s)\n", bodyBytes,
                double(requests) / elapsed, requests, elapsed);
    return 0;
}
