#include "YamlDocument.h"

#include "core/BoundedFile.h"

#include <QHash>

#include <yaml-cpp/depthguard.h>

namespace patchbay {

namespace {

// The first NUL byte or malformed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF), as a 1-based line and column counted in characters.
std::optional<DefinitionError> encodingProblem(const QByteArray &text, const QString &fileName)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(text.constData());
    const qsizetype size = text.size();
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < size;) {
        const unsigned char lead = bytes[i];
        if (lead == 0) {
            return DefinitionError{fileName, line, column,
                                   QStringLiteral("a NUL byte; YAML text cannot contain one (is this a binary file?)")};
        }
        int length = 0;
        char32_t minimum = 0;
        if (lead < 0x80) {
            length = 1;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
            minimum = 0x80;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            minimum = 0x800;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            minimum = 0x10000;
        }
        bool valid = length > 0 && i + length <= size;
        char32_t codePoint = length == 1 ? lead : lead & (0x7F >> length);
        for (int k = 1; valid && k < length; ++k) {
            valid = (bytes[i + k] & 0xC0) == 0x80;
            codePoint = (codePoint << 6) | (bytes[i + k] & 0x3F);
        }
        if (valid && length > 1)
            valid = codePoint >= minimum && codePoint <= 0x10FFFF && !(codePoint >= 0xD800 && codePoint <= 0xDFFF);
        if (!valid) {
            return DefinitionError{fileName, line, column,
                                   QStringLiteral("byte 0x%1 is not UTF-8 text; save the file as UTF-8")
                                       .arg(QString::number(lead, 16).toUpper().rightJustified(2, QLatin1Char('0')))};
        }
        if (lead == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
        i += length;
    }
    return std::nullopt;
}

// Walks the tree once, to the depth bound, counting values so that aliases cannot expand without end.
class TreeCheck
{
public:
    explicit TreeCheck(const QString &fileName) : m_file(fileName) {}

    bool check(const YAML::Node &node, int depth)
    {
        if (++m_nodes > YamlDocument::kMaxNodes) {
            fail(node.Mark(), QStringLiteral("more than %1 values (aliases that repeat aliases?); a definition "
                                             "needs far fewer")
                                  .arg(YamlDocument::kMaxNodes));
            return false;
        }
        if (depth > YamlDocument::kMaxDepth) {
            fail(node.Mark(), QStringLiteral("nested deeper than %1 levels; a definition needs far fewer")
                                  .arg(YamlDocument::kMaxDepth));
            return false;
        }
        if (node.IsSequence()) {
            for (const YAML::Node &item : node) {
                if (!check(item, depth + 1))
                    return false;
            }
        } else if (node.IsMap()) {
            QHash<std::string, YAML::Mark> seen;
            for (auto it = node.begin(); it != node.end(); ++it) {
                if (it->first.IsScalar()) {
                    const auto first = seen.constFind(it->first.Scalar());
                    if (first != seen.constEnd()) {
                        fail(it->first.Mark(),
                             QStringLiteral("the key '%1' is given twice in this mapping; it is first at %2:%3:%4. "
                                            "Keep one of them")
                                 .arg(QString::fromStdString(it->first.Scalar()), m_file)
                                 .arg(first->line + 1)
                                 .arg(first->column + 1));
                    } else {
                        seen.insert(it->first.Scalar(), it->first.Mark());
                    }
                }
                if (!check(it->first, depth + 1) || !check(it->second, depth + 1))
                    return false;
            }
        }
        return true;
    }

    QList<DefinitionError> errors;

private:
    void fail(const YAML::Mark &mark, const QString &message)
    {
        errors.append(DefinitionError{m_file, mark.line + 1, mark.column + 1, message});
    }

    QString m_file;
    int m_nodes = 0;
};

} // namespace

std::optional<QByteArray> YamlDocument::readFile(const QString &path, QList<DefinitionError> *errors)
{
    auto bytes = readBoundedFile(path, kMaxFileBytes);
    if (!bytes) {
        errors->append(DefinitionError{path, 0, 0, QStringLiteral("the file %1").arg(bytes.error().message)});
        return std::nullopt;
    }
    return std::move(bytes).value();
}

std::optional<YAML::Node> YamlDocument::parse(const QByteArray &text, const QString &fileName,
                                              QList<DefinitionError> *errors)
{
    if (text.size() > kMaxFileBytes) {
        errors->append(DefinitionError{fileName, 0, 0,
                                       QStringLiteral("the text is %1, more than the %2 allowed")
                                           .arg(describeByteCount(text.size()), describeByteCount(kMaxFileBytes))});
        return std::nullopt;
    }
    if (auto problem = encodingProblem(text, fileName)) {
        errors->append(*problem);
        return std::nullopt;
    }
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::DeepRecursion &e) {
        // yaml-cpp's own guard (deeper than ours) says only "bad file".
        errors->append(DefinitionError{
            fileName, e.mark.line + 1, e.mark.column + 1,
            QStringLiteral("nested deeper than %1 levels; a definition needs far fewer").arg(kMaxDepth)});
        return std::nullopt;
    } catch (const YAML::Exception &e) {
        errors->append(DefinitionError{fileName, e.mark.line + 1, e.mark.column + 1,
                                       QStringLiteral("not valid YAML: %1").arg(QString::fromStdString(e.msg))});
        return std::nullopt;
    }
    TreeCheck tree(fileName);
    tree.check(root, 1);
    if (!tree.errors.isEmpty()) {
        errors->append(tree.errors);
        return std::nullopt;
    }
    return root;
}

} // namespace patchbay
