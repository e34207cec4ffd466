using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace TokenConsole.Data;

/// <summary>
/// Rows written in bulk into one table, inside the connection's current transaction, by the fastest way each provider has:
/// on SQLite one prepared INSERT stepped per row (<see cref="SqliteRowWriter"/>), on PostgreSQL <c>COPY … FROM STDIN</c>
/// (<see cref="PostgresRowWriter"/>) and, for an upsert, one statement from array parameters (<see cref="PostgresUpsertWriter"/>). <c>Add(…)</c> each column in order, then <see cref="Insert"/>; <see cref="Complete"/>
/// when the last row is in (PostgreSQL writes what it buffered then). For the demo seeding and the stores that write many
/// rows at once; EF's interceptors and change tracking do not see these rows.
/// </summary>
internal abstract class RowWriter : IDisposable
{
    /// <summary>A writer for <paramref name="table"/>'s <paramref name="columns"/> on the connection's provider.</summary>
    public static RowWriter Open(DbConnection connection, string table, params string[] columns) => Open(connection, table, columns, onConflict: null);

    /// <param name="onConflict">
    /// An upsert clause, e.g. <c>ON CONFLICT ("Day") DO UPDATE SET "Tokens" = "T"."Tokens" + excluded."Tokens"</c> (the
    /// target's columns qualified by its name, which PostgreSQL requires). The rows written through one writer must be
    /// unique by the conflict's key: PostgreSQL upserts them a chunk at a time, and refuses a key twice in one statement.
    /// </param>
    public static RowWriter Open(DbConnection connection, string table, string[] columns, string? onConflict) => connection switch
    {
        SqliteConnection => new SqliteRowWriter(connection, table, columns, onConflict),
        NpgsqlConnection npgsql when onConflict is null => new PostgresRowWriter(npgsql, table, columns),
        NpgsqlConnection npgsql => new PostgresUpsertWriter(npgsql, table, columns, onConflict),
        _ => throw new NotSupportedException($"No bulk row writer for a {connection.GetType().Name}."),
    };

    public abstract RowWriter Add(long value);

    public abstract RowWriter Add(long? value);

    public abstract RowWriter Add(string? value);

    public abstract RowWriter Add(double value);

    /// <summary>Each value by its type (long, int, double, string; null and DBNull as NULL), as a provider value from EF's converters comes.</summary>
    public RowWriter AddAll(params object?[] values)
    {
        foreach (var value in values)
        {
            _ = value switch
            {
                null or DBNull => AddNull(),
                long v => Add(v),
                int v => Add(v),
                short v => Add(v),
                bool v => Add(v ? 1 : 0),
                double v => Add(v),
                string v => Add(v),
                _ => throw new ArgumentException($"A {value.GetType().Name} has no binding here; convert it to a provider value first.", nameof(values)),
            };
        }
        return this;
    }

    /// <summary>Ends the row of the values added since the last call.</summary>
    public abstract void Insert();

    /// <summary>
    /// The rows of <paramref name="principal"/> are written before any of this writer's (its rows reference them by a
    /// foreign key). SQLite writes each row at once, so only a buffering writer has anything to do.
    /// </summary>
    public virtual RowWriter After(RowWriter principal) => this;

    /// <summary>Writes whatever is still buffered; the rows are in the table (in the transaction) when it returns.</summary>
    public abstract void Complete();

    public abstract void Dispose();

    protected abstract RowWriter AddNull();
}

/// <summary>
/// PostgreSQL: rows in COPY's text format, buffered and sent by <c>COPY "table" (columns) FROM STDIN</c> each megabyte and
/// at <see cref="Complete"/>. Buffered, not streamed, because a connection carries one COPY at a time and the seeder fills
/// several tables row by row at once. Text rather than binary because binary COPY wants each value in its column's exact
/// type (int4 vs int8) and the callers hand longs for both; the server parses the text into the column's type.
/// COPY into a partitioned table routes each row to its partition. (Upserts: <see cref="PostgresUpsertWriter"/>.)
/// </summary>
internal sealed class PostgresRowWriter : RowWriter
{
    private const int FlushChars = 1 << 20;
    private readonly StringBuilder _buffer = new();
    private readonly NpgsqlConnection _connection;
    private readonly string _table;
    private readonly string[] _columns;
    private readonly string _columnList;

    public PostgresRowWriter(NpgsqlConnection connection, string table, string[] columns)
    {
        _connection = connection;
        _table = table;
        _columns = columns;
        _columnList = ColumnList(columns);
    }

    private int _bound;
    private RowWriter? _principal;

    public override RowWriter After(RowWriter principal)
    {
        _principal = principal;
        return this;
    }

    public override PostgresRowWriter Add(long value)
    {
        Separate().Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public override RowWriter Add(long? value) => value is { } v ? Add(v) : AddNull();

    public override RowWriter Add(string? value)
    {
        if (value is null)
        {
            return AddNull();
        }
        Separate();
        foreach (var c in value)
        {
            // COPY's text format: a backslash escapes; tab, newline and carriage return would end the field or the row.
            _ = c switch
            {
                '\\' => _buffer.Append(@"\\"),
                '\t' => _buffer.Append(@"\t"),
                '\n' => _buffer.Append(@"\n"),
                '\r' => _buffer.Append(@"\r"),
                _ => _buffer.Append(c),
            };
        }
        return this;
    }

    public override RowWriter Add(double value)
    {
        Separate().Append(value.ToString("R", CultureInfo.InvariantCulture));
        return this;
    }

    public override void Insert()
    {
        if (_bound != _columns.Length)
        {
            throw new InvalidOperationException($"{_bound} values bound for {_columns.Length} columns.");
        }
        _buffer.Append('\n');
        _bound = 0;
        if (_buffer.Length >= FlushChars)
        {
            Flush();
        }
    }

    public override void Complete() => Flush();

    public override void Dispose()
    {
        // Rows not completed are dropped: the caller's transaction is failing anyway.
        _buffer.Clear();
    }

    protected override RowWriter AddNull()
    {
        Separate().Append(@"\N");
        return this;
    }

    private StringBuilder Separate() => _bound++ == 0 ? _buffer : _buffer.Append('\t');

    private void Flush()
    {
        if (_buffer.Length == 0)
        {
            return;
        }
        _principal?.Complete();
        using (var writer = _connection.BeginTextImport($"COPY \"{_table}\" ({_columnList}) FROM STDIN"))
        {
            foreach (var chunk in _buffer.GetChunks())
            {
                writer.Write(chunk.Span);
            }
        }
        _buffer.Clear();
    }

    internal static string ColumnList(IEnumerable<string> columns) => string.Join(", ", columns.Select(c => $"\"{c}\""));
}

/// <summary>
/// PostgreSQL upserts: the rows gathered column by column and sent as one array parameter per column, in one
/// <c>INSERT … SELECT * FROM unnest(…) ON CONFLICT …</c> per chunk — set-based, no staging table (a temporary table per
/// transaction cost a catalog write, and emptying one is another). A key may appear once per chunk, as PostgreSQL refuses
/// to update a row twice in one statement; the callers' rows are unique by key.
/// </summary>
internal sealed class PostgresUpsertWriter : RowWriter
{
    private const int FlushRows = 50_000;
    private readonly NpgsqlConnection _connection;
    private readonly string _sql;
    private readonly List<object?>[] _values;
    private int _bound;
    private int _rows;

    public PostgresUpsertWriter(NpgsqlConnection connection, string table, string[] columns, string onConflict)
    {
        _connection = connection;
        _values = [.. columns.Select(_ => new List<object?>())];
        _sql = $"""INSERT INTO "{table}" ({PostgresRowWriter.ColumnList(columns)}) SELECT * FROM unnest({string.Join(", ", columns.Select((_, i) => $"@p{i}"))}) {onConflict}""";
    }

    public override RowWriter Add(long value) => Value(value);

    public override RowWriter Add(long? value) => Value(value);

    public override RowWriter Add(string? value) => Value(value);

    public override RowWriter Add(double value) => Value(value);

    public override void Insert()
    {
        if (_bound != _values.Length)
        {
            throw new InvalidOperationException($"{_bound} values bound for {_values.Length} columns.");
        }
        _bound = 0;
        if (++_rows >= FlushRows)
        {
            Complete();
        }
    }

    public override void Complete()
    {
        if (_rows == 0)
        {
            return;
        }
        using var command = new NpgsqlCommand(_sql, _connection);
        for (var i = 0; i < _values.Length; i++)
        {
            command.Parameters.Add(new NpgsqlParameter($"p{i}", Array(_values[i])));
            _values[i].Clear();
        }
        command.ExecuteNonQuery();
        _rows = 0;
    }

    public override void Dispose()
    {
    }

    protected override RowWriter AddNull() => Value(null);

    private PostgresUpsertWriter Value(object? value)
    {
        _values[_bound++].Add(value);
        return this;
    }

    /// <summary>A column's values as the typed array Npgsql sends (bigint[], text[], double precision[]; nulls kept).</summary>
    private static object Array(List<object?> values) => values.FirstOrDefault(v => v is not null) switch
    {
        string => values.Select(v => (string?)v).ToArray(),
        double => values.Select(v => (double?)v).ToArray(),
        _ when values.Contains(null) => values.Select(v => (long?)v).ToArray(),
        _ => values.Select(v => (long)v!).ToArray(),
    };
}
