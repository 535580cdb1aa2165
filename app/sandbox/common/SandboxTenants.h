#pragma once

#include <QString>
#include <QStringList>

#include <map>
#include <memory>

namespace patchbay::sandbox {

// The tenants of an emulator by name (portal, org, site, subdomain), ordered so listings are stable.
template <typename Tenant> class SandboxTenants
{
public:
    // Adding under an existing name replaces that tenant.
    Tenant &replace(const QString &name, std::unique_ptr<Tenant> tenant)
    {
        Tenant &stored = *tenant;
        m_tenants.insert_or_assign(name, std::move(tenant));
        return stored;
    }

    Tenant *find(const QString &name) const
    {
        const auto it = m_tenants.find(name);
        return it == m_tenants.end() ? nullptr : it->second.get();
    }

    QStringList names() const
    {
        QStringList names;
        for (const auto &entry : m_tenants)
            names.append(entry.first);
        return names;
    }

private:
    std::map<QString, std::unique_ptr<Tenant>> m_tenants;
};

} // namespace patchbay::sandbox
