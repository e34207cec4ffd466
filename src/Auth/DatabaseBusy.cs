using Microsoft.Data.Sqlite;

namespace TokenConsole.Auth;

/// <summary>Whether a failure is SQLite's "database is busy / locked" (another connection holds the write lock).</summary>
internal static class DatabaseBusy
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    public static bool Is(Exception? exception) => exception switch
    {
        null => false,
        // The low byte is the primary result code of an extended one (SQLITE_BUSY_SNAPSHOT is 5 | 2 << 8).
        SqliteException { SqliteErrorCode: var code } when (code & 0xFF) is SqliteBusy or SqliteLocked => true,
        _ => Is(exception.InnerException),
    };
}
