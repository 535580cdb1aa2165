#include "SecretBytes.h"

#include <openssl/crypto.h>

namespace patchbay {

void wipeBytes(QByteArray &bytes)
{
    // A shared buffer is still in use by another owner; only a sole owner may overwrite it.
    if (!bytes.isEmpty() && bytes.isDetached())
        OPENSSL_cleanse(bytes.data(), static_cast<size_t>(bytes.size()));
    bytes.clear();
}

SecretBytes &SecretBytes::operator=(const SecretBytes &other)
{
    if (this != &other) {
        wipe();
        m_bytes = other.m_bytes;
        m_bytes.detach();
    }
    return *this;
}

SecretBytes &SecretBytes::operator=(SecretBytes &&other) noexcept
{
    if (this != &other) {
        wipe();
        m_bytes = std::move(other.m_bytes);
    }
    return *this;
}

bool SecretBytes::operator==(const SecretBytes &other) const
{
    return m_bytes.size() == other.m_bytes.size()
           && CRYPTO_memcmp(m_bytes.constData(), other.m_bytes.constData(), static_cast<size_t>(m_bytes.size())) == 0;
}

void SecretBytes::wipe()
{
    // Only the last owner may wipe: a shared buffer is still in use elsewhere.
    if (!m_bytes.isEmpty() && m_bytes.isDetached())
        OPENSSL_cleanse(m_bytes.data(), static_cast<size_t>(m_bytes.size()));
    m_bytes.clear();
}

} // namespace patchbay
