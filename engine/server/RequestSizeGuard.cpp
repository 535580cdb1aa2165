#include "RequestSizeGuard.h"

#include "server/ApiResponse.h"

#include <QTcpSocket>
#include <QTimer>

namespace patchbay {

namespace {

constexpr qint64 kMaxLineBytes = 1024;         // a chunk-size or trailer line
constexpr qint64 kMaxDrainBytes = 1024 * 1024; // read past a refusal, so that the client can read the answer
constexpr int kCloseAfterRefusalMs = 5000;

QByteArray statusText(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 413:
        return "Payload Too Large";
    case 431:
        return "Request Header Fields Too Large";
    default:
        return "Error";
    }
}

// The stable code of each refusal, as every JSON error of the API has one.
const char *refusalCode(int status)
{
    switch (status) {
    case 413:
        return "request.too_large";
    case 431:
        return "request.head_too_large";
    default:
        return "request.bad_framing";
    }
}

} // namespace

RequestSizeGuard::RequestSizeGuard(QTcpSocket *socket, qint64 maxBodyBytes, LimitFor limitFor)
    : QObject(socket), m_socket(socket), m_serverMaxBodyBytes(maxBodyBytes), m_limitFor(std::move(limitFor)),
      m_maxBodyBytes(maxBodyBytes)
{
    connect(socket, &QTcpSocket::readyRead, this, &RequestSizeGuard::onReadyRead);
}

void RequestSizeGuard::onReadyRead()
{
    if (m_state == State::Refused) {
        drain();
        return;
    }
    // The HTTP server reads everything it is given in its own slot, which runs after this one: what is available
    // now is what arrived since. peek() leaves it for the server.
    if (!scan(m_socket->peek(m_socket->bytesAvailable())))
        refuse();
}

bool RequestSizeGuard::scan(const QByteArray &data)
{
    qsizetype at = 0;
    const qsizetype size = data.size();
    const auto fail = [this](int status, const char *reason) {
        m_refusalStatus = status;
        m_refusalReason = reason;
        return false;
    };
    while (at < size) {
        switch (m_state) {
        case State::Head: {
            const qsizetype searchFrom = std::max<qsizetype>(0, m_line.size() - 3);
            const qsizetype take = std::min<qsizetype>(size - at, kMaxHeadBytes + 1 - m_line.size());
            m_line.append(data.constData() + at, take);
            const qsizetype end = m_line.indexOf("\r\n\r\n", searchFrom);
            if (end < 0) {
                if (m_line.size() > kMaxHeadBytes)
                    return fail(431, "The request head is larger than this server accepts");
                at += take;
                break;
            }
            // Only the head's bytes are consumed; the rest is the body.
            at += take - (m_line.size() - (end + 4));
            m_line.truncate(end + 4);
            if (!endOfHead())
                return false;
            m_line.clear();
            break;
        }
        case State::Body: {
            const qint64 take = std::min<qint64>(size - at, m_remaining);
            at += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::Head;
            break;
        }
        case State::ChunkSize:
        case State::Trailer: {
            const char c = data.at(at++);
            if (c != '\n') {
                m_line.append(c);
                if (m_line.size() > kMaxLineBytes)
                    return fail(400, "A chunk of the request body is framed wrongly");
                break;
            }
            const QByteArray line = m_line.trimmed();
            m_line.clear();
            if (m_state == State::Trailer) {
                if (line.isEmpty())
                    m_state = State::Head;
                break;
            }
            bool ok = false;
            const qint64 chunk = line.split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok || chunk < 0)
                return fail(400, "A chunk of the request body is framed wrongly");
            if (chunk == 0) {
                m_state = State::Trailer;
                break;
            }
            m_bodyBytes += chunk;
            if (m_bodyBytes > m_maxBodyBytes)
                return fail(413, "The request body is larger than this server accepts");
            m_remaining = chunk;
            m_state = State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qint64 take = std::min<qint64>(size - at, m_remaining);
            at += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::ChunkEnd;
            break;
        }
        case State::ChunkEnd: {
            // The CRLF after a chunk's data; anything else means the chunk was longer than it said.
            const char c = data.at(at++);
            if (c == '\n')
                m_state = State::ChunkSize;
            else if (c != '\r')
                return fail(400, "A chunk of the request body is framed wrongly");
            break;
        }
        case State::Refused:
            return false;
        }
    }
    return true;
}

bool RequestSizeGuard::endOfHead()
{
    qint64 length = 0;
    bool chunked = false;
    bool hasLength = false;
    const QList<QByteArray> lines = m_line.split('\n');
    // The request line: METHOD target HTTP/1.1; the target's path picks the limit.
    m_maxBodyBytes = m_serverMaxBodyBytes;
    if (m_limitFor) {
        const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
        if (requestLine.size() >= 2) {
            const QByteArray target = requestLine.at(1);
            const qsizetype query = target.indexOf('?');
            m_maxBodyBytes = m_limitFor(QString::fromLatin1(query < 0 ? target : target.left(query)),
                                        m_serverMaxBodyBytes);
        }
    }
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            const qint64 stated = value.toLongLong(&ok);
            if (!ok || stated < 0 || (hasLength && stated != length)) {
                m_refusalStatus = 400;
                m_refusalReason = "The request's Content-Length is not a number";
                return false;
            }
            hasLength = true;
            length = stated;
        } else if (name == "transfer-encoding") {
            chunked = chunked || value.toLower().contains("chunked");
        }
    }
    m_bodyBytes = 0;
    if (chunked) {
        m_state = State::ChunkSize;
        return true;
    }
    if (length > m_maxBodyBytes) {
        m_refusalStatus = 413;
        m_refusalReason = "The request body is larger than this server accepts";
        return false;
    }
    m_remaining = length;
    m_state = length > 0 ? State::Body : State::Head;
    return true;
}

void RequestSizeGuard::refuse()
{
    m_state = State::Refused;
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction(); // frees what the server had read of it
    // The HTTP server stops reading this connection: what it holds so far is within the limit, and the rest is
    // never buffered.
    QObject::disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
    connect(m_socket, &QTcpSocket::readyRead, this, &RequestSizeGuard::drain);
    const QString message = m_refusalStatus == 400
        ? QString::fromLatin1(m_refusalReason) + QLatin1Char('.')
        : QStringLiteral("%1 (at most %2 bytes).")
              .arg(QString::fromLatin1(m_refusalReason))
              .arg(m_refusalStatus == 431 ? kMaxHeadBytes : m_maxBodyBytes);
    const QByteArray body = ApiResponse::error(m_refusalStatus, QString::fromLatin1(refusalCode(m_refusalStatus)),
                                               message)
                                .body;
    m_socket->write("HTTP/1.1 " + QByteArray::number(m_refusalStatus) + ' ' + statusText(m_refusalStatus) +
                    "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
                    "\r\nConnection: close\r\n\r\n" + body);
    drain();
    // A client that keeps sending is cut off; one that reads the answer closes the connection itself.
    QTimer::singleShot(kCloseAfterRefusalMs, this, [this] { m_socket->abort(); });
}

void RequestSizeGuard::drain()
{
    // Reading on for a while lets the answer reach a client that is still sending, instead of a reset.
    m_drained += m_socket->skip(m_socket->bytesAvailable());
    if (m_drained > kMaxDrainBytes)
        m_socket->disconnectFromHost();
}

} // namespace patchbay
