#include "ConnectionQueue.h"

#include <QHash>
#include <QMutex>
#include <QWaitCondition>

namespace patchbay {

struct ConnectionQueue::Turn::State
{
    QMutex mutex;
    QWaitCondition turnChanged;
    quint64 nextTicket = 0;
    quint64 serving = 0;
};

ConnectionQueue::Turn::~Turn()
{
    if (!m_state)
        return;
    QMutexLocker lock(&m_state->mutex);
    ++m_state->serving;
    m_state->turnChanged.wakeAll();
}

ConnectionQueue::Turn ConnectionQueue::take(qint64 connectionId, const std::function<void()> &whileWaiting)
{
    static QMutex registryMutex;
    static QHash<qint64, std::shared_ptr<Turn::State>> states;
    std::shared_ptr<Turn::State> state;
    {
        QMutexLocker lock(&registryMutex);
        auto &slot = states[connectionId];
        if (!slot)
            slot = std::make_shared<Turn::State>();
        state = slot;
    }
    QMutexLocker lock(&state->mutex);
    const quint64 ticket = state->nextTicket++;
    if (state->serving != ticket && whileWaiting) {
        lock.unlock();
        whileWaiting();
        lock.relock();
    }
    while (state->serving != ticket)
        state->turnChanged.wait(&state->mutex);
    return Turn(state);
}

} // namespace patchbay
