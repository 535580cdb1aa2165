#pragma once

#include <QDateTime>
#include <QDialog>

#include <functional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

namespace patchbay {

class OpsApi;

// Re-authorisation links for many connections at once (against a server): every connection, those that need
// re-authorising checked (filterable by text, and to those needing it); "Create links and save CSV…" asks where
// to save, creates a link for each checked connection and writes one CSV row per connection (tenant, connection,
// provider, link, expires at, error) in one step. A link that could not be made is a row with its error; the
// others are made all the same.
class BulkReauthorizationDialog : public QDialog
{
    Q_OBJECT
public:
    // Where to save the CSV; empty: cancelled (a save-file dialog unless replaced, for tests).
    using PathChooser = std::function<QString(QWidget *parent)>;

    enum Column { CheckColumn, TenantColumn, ConnectionColumn, ProviderColumn, HealthColumn, ColumnCount };
    static constexpr int ConnectionIdRole = Qt::UserRole + 1;
    static constexpr int HealthRole = Qt::UserRole + 2;

    struct Row
    {
        QString tenant;
        QString connection;
        QString provider;
        QString link;
        QDateTime expiresAt;
        QString error; // empty: the link was made
    };

    explicit BulkReauthorizationDialog(OpsApi *ops, QWidget *parent = nullptr);

    void setPathChooser(PathChooser chooser) { m_chooser = std::move(chooser); }
    QStandardItemModel *model() const { return m_model; }
    // The CSV of rows (RFC 4180: a header line, CRLF line ends, fields with a comma, quote or line break quoted and
    // quotes doubled; a field a spreadsheet would run as a formula starts with an apostrophe).
    static QByteArray csv(const QList<Row> &rows);

Q_SIGNALS:
    // The CSV was written: links made and connections that failed.
    void saved(const QString &path, int links, int failures);

private:
    void load();
    void applyFilter();
    void updateActions();
    void createLinks();
    void write(const QString &path, const QList<Row> &rows);

    OpsApi *m_ops;
    PathChooser m_chooser;
    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filterLineEdit;
    QCheckBox *m_needsReauthCheckBox;
    QTableView *m_tableView;
    QPushButton *m_createButton;
    QLabel *m_statusLabel;
};

} // namespace patchbay
