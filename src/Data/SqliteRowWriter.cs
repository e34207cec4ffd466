using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TokenConsole.Data;

/// <summary>
/// One prepared INSERT (or upsert) on an open SQLite connection, inside the connection's current transaction, called
/// through SQLitePCL's raw API (as the usage writer is) with its values bound by position: <c>Add(…)</c> each column in
/// order, then <see cref="Insert"/>. The demo data set is about 700,000 rows; through <c>SqliteCommand</c> each row boxed
/// its values and went through the parameter collection, which took a third of the first-start budget. SQLite only:
/// EF's interceptors do not see these statements.
/// </summary>
internal sealed class SqliteRowWriter : RowWriter
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int _columns;
    private int _bound;

    public SqliteRowWriter(DbConnection connection, string table, params string[] columns) : this(connection, table, columns, onConflict: null)
    {
    }

    /// <param name="onConflict">An upsert clause after the VALUES, e.g. <c>ON CONFLICT ("Day") DO UPDATE SET …</c>.</param>
    public SqliteRowWriter(DbConnection connection, string table, string[] columns, string? onConflict)
    {
        _db = ((SqliteConnection)connection).Handle ?? throw new InvalidOperationException("The connection is not open.");
        _columns = columns.Length;
        var sql = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select(_ => "?"))}) {onConflict}";
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public override SqliteRowWriter Add(long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, ++_bound, value));
        return this;
    }

    public override SqliteRowWriter Add(long? value) => value is { } v ? Add(v) : AddNull();

    public override SqliteRowWriter Add(string? value)
    {
        // UTF-16 as the usage writer binds it: SQLite converts in C, and no UTF-8 copy is allocated here.
        Check(value is null ? raw.sqlite3_bind_null(_statement, ++_bound) : raw.sqlite3_bind_text16(_statement, ++_bound, value.AsSpan()));
        return this;
    }

    public override SqliteRowWriter Add(double value)
    {
        Check(raw.sqlite3_bind_double(_statement, ++_bound, value));
        return this;
    }

    /// <summary>Binds a row's values (<see cref="RowWriter.AddAll"/>) and writes it, returning its rowid.</summary>
    public long InsertReturningRowId(params object?[] values)
    {
        AddAll(values);
        return InsertReturningRowId();
    }

    /// <summary>Writes the row and returns its rowid (the table's INTEGER PRIMARY KEY).</summary>
    public long InsertReturningRowId()
    {
        Insert();
        return raw.sqlite3_last_insert_rowid(_db);
    }

    /// <summary>Writes the row of the values added since the last call.</summary>
    public override void Insert()
    {
        if (_bound != _columns)
        {
            throw new InvalidOperationException($"{_bound} values bound for {_columns} columns.");
        }
        var rc = raw.sqlite3_step(_statement);
        _bound = 0;
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            throw Failure(rc);
        }
    }

    /// <summary>Nothing is buffered: each row was written by its <see cref="Insert"/>.</summary>
    public override void Complete()
    {
    }

    public override void Dispose() => _statement.Dispose();

    protected override SqliteRowWriter AddNull()
    {
        Check(raw.sqlite3_bind_null(_statement, ++_bound));
        return this;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw Failure(rc);
        }
    }

    // With the extended code (2067 for a unique index), which the write path reads to tell a conflict.
    private SqliteException Failure(int rc) => new(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
}
