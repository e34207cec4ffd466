using System.Data.Common;

namespace TokenConsole.Data.PostgreSQL;

/// <summary>
/// PostgreSQL's identity columns draw from a sequence, which rows written with their ids (the bulk writers give ids
/// themselves, to link rows without reading them back) do not advance: the next insert through EF would take an id
/// already used. After such rows, each table's sequence is moved past its highest id, in the same transaction.
/// </summary>
public static class PostgresIdentities
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

    /// <summary>Every table with an identity "Id" column in the current schema: for rows written with their ids by anyone (tests seed so).</summary>
    public static async Task ResyncAllAsync(DbConnection connection, DbTransaction? transaction)
    {
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                SELECT table_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND column_name = 'Id' AND is_identity = 'YES'
                """;
            using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        await ResyncAsync(connection, transaction, [.. tables]);
    }
}
