#include "PrivateFiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

namespace patchbay::PrivateFiles {

namespace {

constexpr QFile::Permissions kOwnerFile = QFile::ReadOwner | QFile::WriteOwner;
constexpr QFile::Permissions kOwnerDirectory = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;
constexpr QFile::Permissions kOthers =
    QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;

} // namespace

Result<void> makeDirectory(const QString &path)
{
    // The missing folders, outermost first, each made owner-only (QDir::mkpath would use the umask).
    QStringList missing;
    for (QFileInfo info(QDir::cleanPath(QFileInfo(path).absoluteFilePath())); !info.exists();
         info = QFileInfo(info.absolutePath())) {
        missing.prepend(info.absoluteFilePath());
        if (info.isRoot())
            break;
    }
    for (const QString &folder : std::as_const(missing)) {
        if (!QDir().mkdir(folder, kOwnerDirectory) && !QFileInfo(folder).isDir()) {
            return makeError("files.mkdir_failed",
                             QStringLiteral("Cannot create the folder %1. Check that its parent is writable.")
                                 .arg(QDir::toNativeSeparators(folder)));
        }
    }
    return {};
}

Result<void> makeFile(const QString &path)
{
    QFile file(path);
    // NewOnly: of two processes creating it at once one wins; the other finds the file made (and private).
    if (file.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerFile)) {
        file.close();
        return {};
    }
    if (!file.exists()) {
        return makeError("files.create_failed", QStringLiteral("Cannot create %1: %2. Check that its folder is "
                                                               "writable.")
                                                    .arg(QDir::toNativeSeparators(path), file.errorString()));
    }
    // Fails (and is left so) for another user's file: it was shared on purpose.
    if (const QFile::Permissions permissions = file.permissions(); permissions & kOthers)
        file.setPermissions(permissions & ~kOthers);
    return {};
}

} // namespace patchbay::PrivateFiles
