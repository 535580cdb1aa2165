#pragma once

#include <QByteArray>
#include <QObject>

#include <functional>

class QTcpSocket;

namespace patchbay {

// Watches the bytes of one server connection before the HTTP server reads them, and refuses a request whose body
// would pass the limit (maxBodyBytes, or what limitFor answers for the request's target path): at once when its Content-Length says so, or as soon as a chunked body's chunks add up past
// it. Qt HttpServer (6.4) buffers a whole request before its handler runs and has no limit of its own, so the check
// belongs here, on the socket. A refused request is answered 413 (431 for an oversized head, 400 for broken
// framing) and the connection closed; the HTTP server never sees the rest of it.
class RequestSizeGuard : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxHeadBytes = 64 * 1024;

    using LimitFor = std::function<qint64(const QString &encodedPath, qint64 fallback)>;

    // Must be created before the HTTP server connects to the socket, so that it sees each chunk of data first.
    RequestSizeGuard(QTcpSocket *socket, qint64 maxBodyBytes, LimitFor limitFor = {});

private:
    enum class State { Head, Body, ChunkSize, ChunkData, ChunkEnd, Trailer, Refused };

    void onReadyRead();
    // Advances over newly received bytes; false when the request must be refused (m_refusal says how).
    bool scan(const QByteArray &data);
    bool endOfHead();
    void refuse();
    void drain();

    QTcpSocket *m_socket;
    qint64 m_serverMaxBodyBytes;
    LimitFor m_limitFor;
    qint64 m_maxBodyBytes; // the current request's
    State m_state = State::Head;
    QByteArray m_line;      // the head so far, or the current chunk-size or trailer line
    qint64 m_remaining = 0; // bytes left of the body, or of the current chunk
    qint64 m_bodyBytes = 0; // chunked: data bytes of the current request so far
    qint64 m_drained = 0;
    int m_refusalStatus = 0;
    QByteArray m_refusalReason;
};

} // namespace patchbay
