#pragma once

#include <QtGlobal>

#include <functional>
#include <memory>

namespace patchbay {

// Executions of one connection run one at a time, in the order they asked, on any thread: a write and the
// webhook events behind it never overtake each other, and two reads never page the same cursor at once.
// Executions of different connections do not wait for each other.
class ConnectionQueue
{
public:
    // Held while the execution runs; the next one in line goes on when it is destroyed.
    class Turn
    {
    public:
        Turn(Turn &&) noexcept = default;
        Turn &operator=(Turn &&) noexcept = default;
        ~Turn();

    private:
        friend class ConnectionQueue;
        struct State;
        Turn(std::shared_ptr<State> state) : m_state(std::move(state)) {}
        std::shared_ptr<State> m_state;
    };

    // Waits for the connection's turn; whileWaiting is called once, before waiting, when someone is ahead.
    static Turn take(qint64 connectionId, const std::function<void()> &whileWaiting = {});
};

} // namespace patchbay
