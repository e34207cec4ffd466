using System.Data.Common;

namespace TokenConsole.Data.PostgreSQL;

/// <summary>
/// PostgreSQL's identity columns draw from a sequence, which rows written with their ids (the bulk writers give ids
/// themselves, to link rows without reading them back) do not advance: the next insert through EF would take an id
/// already used. After such rows, each table's sequence is moved past its highest id, in the same transaction.
/// </summary>
internal static class PostgresIdentities
{
    public static async Task ResyncAsync(DbConnection connection, DbTransaction? transaction, params string[] tables)
    {
        foreach (var table in tables)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                SELECT setval(pg_get_serial_sequence('"{table}"', 'Id'), GREATEST(MAX("Id"), 1), MAX("Id") IS NOT NULL) FROM "{table}"
                """;
            await command.ExecuteScalarAsync();
        }
    }
}
