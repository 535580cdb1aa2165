#include "SwitchableOps.h"

namespace patchbay {

SwitchableOps::SwitchableOps(OpsApi *target, QObject *parent) : OpsApi(parent)
{
    setTarget(target);
}

void SwitchableOps::setTarget(OpsApi *target)
{
    Q_ASSERT(target);
    if (target == m_target)
        return;
    if (m_target)
        disconnect(m_target, nullptr, this, nullptr);
    m_target = target;
    connect(target, &OpsApi::executionStarted, this, &OpsApi::executionStarted);
    connect(target, &OpsApi::executionProgressed, this, &OpsApi::executionProgressed);
    connect(target, &OpsApi::executionFinished, this, &OpsApi::executionFinished);
    connect(target, &OpsApi::connectionChanged, this, &OpsApi::connectionChanged);
    Q_EMIT targetChanged();
}

} // namespace patchbay
