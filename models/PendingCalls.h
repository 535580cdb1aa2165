#pragma once

#include <QFuture>
#include <QObject>

#include <utility>

namespace patchbay {

// The ops calls a model is waiting for: views say "Loading…" while there are any, tests wait for none. Each answer
// goes to its handler on this object's thread, and to nobody once the model (this object's parent) is gone.
class PendingCalls : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    bool isEmpty() const { return m_count == 0; }

    template <typename Answer, typename Handler>
    void track(QFuture<Answer> future, Handler handler)
    {
        if (m_count++ == 0)
            Q_EMIT loadingChanged(true);
        future.then(this, [this, handler = std::move(handler)](const Answer &answer) {
            handler(answer);
            if (--m_count == 0)
                Q_EMIT loadingChanged(false);
        });
    }

Q_SIGNALS:
    void loadingChanged(bool loading);

private:
    int m_count = 0;
};

} // namespace patchbay
