#pragma once

#include "core/Result.h"
#include "core/Records.h"

namespace patchbay {

class ConnectionSession;
class ExecutionJournal;
struct ObjectSpec;
struct ProviderDefinition;

// Lists the fields of one object as the provider describes them (Salesforce describe, HubSpot properties, Jira
// fields, ...), custom fields included, through the object's schema section.
class SchemaDiscovery
{
public:
    SchemaDiscovery(const ProviderDefinition &definition, const ObjectSpec &object, ConnectionSession &session,
                    ExecutionJournal &journal);

    Result<QList<SchemaField>> run();

private:
    const ProviderDefinition &m_definition;
    const ObjectSpec &m_object;
    ConnectionSession &m_session;
    ExecutionJournal &m_journal;
};

} // namespace patchbay
