#pragma once

#include <QByteArray>

namespace patchbay {

// Secret material (tokens, keys) that wipes itself and never converts silently to QString.
class SecretBytes
{
public:
    SecretBytes() = default;
    explicit SecretBytes(QByteArray bytes) : m_bytes(std::move(bytes)) {}
    SecretBytes(const SecretBytes &other) : m_bytes(other.m_bytes) { m_bytes.detach(); }
    SecretBytes(SecretBytes &&other) noexcept : m_bytes(std::move(other.m_bytes)) {}
    SecretBytes &operator=(const SecretBytes &other);
    SecretBytes &operator=(SecretBytes &&other) noexcept;
    ~SecretBytes() { wipe(); }

    bool isEmpty() const { return m_bytes.isEmpty(); }
    qsizetype size() const { return m_bytes.size(); }
    const QByteArray &reveal() const { return m_bytes; }
    const unsigned char *data() const { return reinterpret_cast<const unsigned char *>(m_bytes.constData()); }
    bool operator==(const SecretBytes &other) const;

    void wipe();

private:
    QByteArray m_bytes;
};

// Overwrites a plain buffer that held secret material.
void wipeBytes(QByteArray &bytes);

} // namespace patchbay
