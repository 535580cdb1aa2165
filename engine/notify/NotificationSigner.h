#pragma once

#include "core/SecretBytes.h"

#include <QByteArray>

namespace patchbay {

// The signature of a notification, which lets the product check that patchbayd sent it and that it is fresh:
//   Patchbay-Signature: t=<unix seconds>,v1=<lower-case hex of HMAC-SHA256(secret, "<t>.<body>")>
// where <t> is the decimal timestamp as sent and <body> the exact bytes of the request body. Each attempt is signed
// anew with its own time. A receiver recomputes v1 with the endpoint's secret, compares in constant time, and refuses
// a t more than 5 minutes from its own clock (a replayed capture). See the README's "Notifications" section.
namespace NotificationSigner {

inline constexpr const char *kHeader = "Patchbay-Signature";
inline constexpr int kToleranceSeconds = 300;

QByteArray sign(const SecretBytes &secret, qint64 unixSeconds, const QByteArray &body);

} // namespace NotificationSigner

} // namespace patchbay
