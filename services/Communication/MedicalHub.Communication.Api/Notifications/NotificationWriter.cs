using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedicalHub.Communication.Api.Notifications;

/// <summary>
/// Stores an accepted notification and its deliveries with one SQL statement: one round trip, no explicit transaction
/// (a statement is atomic: the notification and every delivery are committed together, or nothing is), no change
/// tracking. The idempotency key is enforced by the unique index itself (<c>ON CONFLICT ... DO NOTHING</c>): when another
/// request already holds the key, nothing is written and the caller answers with that notification.
/// </summary>
/// <remarks>
/// The statement is generated from the EF model (every mapped property of both entities, with its column name, type
/// and value converter), so a property added to <see cref="Notification"/> or <see cref="NotificationDelivery"/> is
/// written without touching this class. Measured in docs/benchmarks.md: EF's SaveChanges took BEGIN, two INSERTs and
/// COMMIT (two round trips) and change tracking for each accepted notification.
/// </remarks>
public sealed class NotificationWriter
{
    private readonly ConcurrentDictionary<int, string> _sqlByDeliveryCount = new();
    private Table? _notifications;
    private Table? _deliveries;

    /// <returns>False when the organization already has a notification with this idempotency key (nothing was written).</returns>
    public async Task<bool> TryInsertAsync(CommunicationDbContext db, Notification notification, CancellationToken ct)
    {
        if (notification.Deliveries.Count == 0 || notification.Deliveries.Any(d => d.NotificationId != notification.Id))
        {
            throw new ArgumentException("A notification is stored with at least one delivery, each naming it.", nameof(notification));
        }
        var notifications = _notifications ??= Table.Of(db.Model, typeof(Notification));
        var deliveries = _deliveries ??= Table.Of(db.Model, typeof(NotificationDelivery));
        var sql = _sqlByDeliveryCount.GetOrAdd(notification.Deliveries.Count, count => Sql(notifications, deliveries, count));

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            // Inside the caller's transaction, if it opened one (then it commits the notification with its own work).
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            notifications.AddParameters(command, "n", notification);
            for (var i = 0; i < notification.Deliveries.Count; i++)
            {
                deliveries.AddParameters(command, $"d{i}_", notification.Deliveries[i]);
            }
            // The rows of the outer INSERT: the deliveries, none when the key was already taken.
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string Sql(Table notifications, Table deliveries, int deliveryCount)
    {
        var sql = new StringBuilder();
        sql.Append("WITH stored AS (INSERT INTO ").Append(notifications.Name).Append(" (").Append(notifications.ColumnList).Append(") VALUES (")
            .Append(notifications.ParameterList("n")).Append(')')
            // The unique index on (organization_id, idempotency_key) WHERE idempotency_key IS NOT NULL (see NotificationEntityTypeConfiguration).
            .Append(" ON CONFLICT (organization_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING 1)");
        sql.Append(" INSERT INTO ").Append(deliveries.Name).Append(" (").Append(deliveries.ColumnList).Append(") SELECT v.* FROM (VALUES ");
        for (var i = 0; i < deliveryCount; i++)
        {
            sql.Append(i == 0 ? "(" : ", (").Append(deliveries.TypedParameterList($"d{i}_")).Append(')');
        }
        sql.Append(") AS v WHERE EXISTS (SELECT 1 FROM stored)");
        return sql.ToString();
    }

    /// <summary>An entity's table as EF maps it: its columns, their type mappings (with value converters) and getters.</summary>
    private sealed class Table(string name, IReadOnlyList<(string Column, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable)> columns)
    {
        public string Name { get; } = name;

        public string ColumnList { get; } = string.Join(", ", columns.Select(c => Quote(c.Column)));

        public string ParameterList(string prefix) => string.Join(", ", columns.Select((_, i) => $"@{prefix}{i}"));

        /// <summary>Each parameter cast to its column's type: in a VALUES list (unlike INSERT ... VALUES) no column gives it one.</summary>
        public string TypedParameterList(string prefix) => string.Join(", ", columns.Select((c, i) => $"CAST(@{prefix}{i} AS {c.Mapping.StoreType})"));

        public void AddParameters(DbCommand command, string prefix, object entity)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                var (_, mapping, getter, nullable) = columns[i];
                command.Parameters.Add(mapping.CreateParameter(command, $"{prefix}{i}", getter.GetClrValueUsingContainingEntity(entity), nullable));
            }
        }

        public static Table Of(IModel model, Type clrType)
        {
            var entity = model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not in the model.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var columns = entity.GetProperties()
                .Where(p => !p.IsShadowProperty() && p.GetColumnName(table) is not null)
                .Select(p => (p.GetColumnName(table)!, (RelationalTypeMapping)p.GetTypeMapping(), p.GetGetter(), p.IsNullable))
                .ToList();
            var name = entity.GetSchema() is { } schema ? $"{Quote(schema)}.{Quote(table.Name)}" : Quote(table.Name);
            return new Table(name, columns);
        }

        private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
