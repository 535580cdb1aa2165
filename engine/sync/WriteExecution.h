#pragma once

#include "core/Result.h"
#include "jsonata/Expression.h"
#include "core/Records.h"

#include <QJsonObject>

namespace patchbay {

class CompiledMapping;
class ConnectionSession;
class ExecutionJournal;
class WriteStore;
struct HttpResponse;
struct ObjectSpec;
struct ProviderDefinition;
struct WriteRequestSpec;

// A product record to write to the provider.
struct WriteInput
{
    QString key;        // the product's id of the record; it links to the provider's id once written
    QJsonObject record; // in the product's shape (the reverse mapping turns it into the provider's)
    QString providerId; // update this provider record; empty: the one linked to key, or create one
};

// Writes records to one object of a provider: each record through the reverse mapping, then created or updated
// one by one or in batches, as the definition declares. Every item gets its own result — the provider id, or
// the provider's error — stored with the execution; one item's failure never stops the others. Items that fail
// (mapping or provider) are kept and can be written again.
class WriteExecution
{
public:
    WriteExecution(WriteStore &writes, const ProviderDefinition &definition, const ObjectSpec &object,
                   ConnectionSession &session, ExecutionJournal &journal, const CompiledMapping *reverseMapping);

    // Succeeds when at least one item was written, or there were none; the per-item results are in the store.
    Result<void> run(const QList<WriteInput> &inputs);

    int succeeded() const { return m_succeeded; }
    int failed() const { return m_failed; }

private:
    struct Item;
    void mapItem(Item &item) const;
    Result<void> writeOne(const WriteRequestSpec &spec, Item &item);
    Result<void> writeBatch(const WriteRequestSpec &spec, QList<Item *> items);
    Result<HttpResponse> sendRequest(const WriteRequestSpec &spec, jsonata::Bindings bindings,
                                     const jsonata::Value &bodyInput, QByteArray *sent);
    QString providerFailure(const HttpResponse &response, QString *code) const;
    void finish(Item &item);
    Result<void> flush();

    WriteStore &m_writes;
    const ProviderDefinition &m_definition;
    const ObjectSpec &m_object;
    ConnectionSession &m_session;
    ExecutionJournal &m_journal;
    const CompiledMapping *m_mapping;
    QList<WriteItem> m_pending; // results not yet stored
    int m_succeeded = 0;
    int m_failed = 0;
    int m_detailedFailures = 0;
};

} // namespace patchbay
