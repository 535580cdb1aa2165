#include "Access.h"

namespace patchbay {

namespace {

struct RoleName
{
    ApiRole role;
    const char *name;
};

constexpr RoleName kRoleNames[] = {
    {ApiRole::Admin, "admin"}, {ApiRole::Product, "product"}, {ApiRole::Support, "support"}, {ApiRole::Viewer, "viewer"}};

} // namespace

QString apiRoleName(ApiRole role)
{
    for (const auto &entry : kRoleNames) {
        if (entry.role == role)
            return QString::fromLatin1(entry.name);
    }
    return {};
}

std::optional<ApiRole> apiRoleFromName(const QString &name)
{
    for (const auto &entry : kRoleNames) {
        if (name == QLatin1String(entry.name))
            return entry.role;
    }
    return std::nullopt;
}

QList<ApiRole> allApiRoles()
{
    QList<ApiRole> roles;
    for (const auto &entry : kRoleNames)
        roles.append(entry.role);
    return roles;
}

} // namespace patchbay
