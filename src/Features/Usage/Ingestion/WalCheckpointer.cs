using Microsoft.Data.Sqlite;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// Copies the usage writer's commits from the write-ahead log into the database file on a connection and thread of its
/// own, so that the writer only appends and syncs its commits. SQLite checkpoints on the committing connection by default
/// (every 1,000 pages): with random event ids a group commit of 20,000 events dirties thousands of index pages, so the
/// writer copied and synced each commit a second time before it took the next batch — 58,600 events/s against 76,000–79,000
/// with the checkpoint off the writer's thread, measured the same hour (issue 14).
/// <para>
/// A passive checkpoint takes no lock the writer needs, but the log can only start over when it has been copied to its end
/// before a transaction begins, and the writer's next transaction begins as soon as its last one committed. So when the log
/// has grown past <see cref="RestartFrames"/>, the writer copies the rest itself between two transactions
/// (<see cref="CatchUpOnWriter"/>), which is the little written since this thread's last round, and its next transaction
/// starts the log over (if no reader still reads an older snapshot; then the next time).
/// </para>
/// SQLite only, as the writer is; PostgreSQL checkpoints on its own (issue 15).
/// </summary>
internal sealed partial class WalCheckpointer : IAsyncDisposable
{
    /// <summary>256 MiB of 4 KiB pages: the most the log grows under a load that never pauses.</summary>
    public const int RestartFrames = 65_536;

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    private readonly string _connectionString;
    private readonly int _restartFrames;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile bool _catchUpWanted;

    private WalCheckpointer(string connectionString, int restartFrames, TimeSpan interval, ILogger logger)
    {
        _interval = interval;
        _connectionString = connectionString;
        _restartFrames = restartFrames;
        _logger = logger;
        // Its own thread: SQLite's calls are synchronous, and a checkpoint of a few thousand pages takes tens of milliseconds.
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Starts checkpointing the database of <paramref name="connectionString"/>; the writer's connection must have <c>wal_autocheckpoint=0</c>.</summary>
    public static WalCheckpointer Start(string connectionString, ILogger logger, int restartFrames = RestartFrames, TimeSpan? interval = null) =>
        new(connectionString, restartFrames, interval ?? DefaultInterval, logger);

    /// <summary>The log has grown past its limit (<see cref="RestartFrames"/>): the writer should call <see cref="CatchUpOnWriter"/> before its next transaction.</summary>
    public bool CatchUpWanted => _catchUpWanted;

    /// <summary>On the writer's connection, between two transactions: copies what is left of the log, so that the next transaction can start it over.</summary>
    public void CatchUpOnWriter(SqliteConnection writer)
    {
        var (busy, frames, copied) = Checkpoint(writer);
        // Busy: this thread's round holds the checkpoint lock; the writer tries again after its next transaction.
        if (!busy && frames == copied)
        {
            _catchUpWanted = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private void Run()
    {
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                // FULL: the database file is synced before the log it was copied from may start over.
                pragma.CommandText = "PRAGMA synchronous=FULL";
                pragma.ExecuteNonQuery();
            }
            while (!_stop.Token.WaitHandle.WaitOne(_interval))
            {
                try
                {
                    var (busy, frames, _) = Checkpoint(connection);
                    if (!busy && frames > _restartFrames)
                    {
                        _catchUpWanted = true;
                    }
                }
                catch (SqliteException ex)
                {
                    // A lock held past the busy timeout, typically: the next round tries again; the log only grows meanwhile.
                    LogCheckpointFailed(ex);
                }
            }
        }
        catch (Exception ex)
        {
            // Not opened (the database gone, say): the writer's own failures say more. Without this thread the log grows
            // until the writer's connection closes, which checkpoints it.
            LogCheckpointerStopped(ex);
        }
    }

    /// <summary>A passive checkpoint: copies what no reader still needs, waits for nobody. Returns SQLite's three figures.</summary>
    private static (bool Busy, long Frames, long Copied) Checkpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2)) : (true, 0, 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A checkpoint of the usage database's write-ahead log failed; the next round tries again")]
    private partial void LogCheckpointFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The usage database's checkpointer stopped; the write-ahead log is copied when the writer's connection closes")]
    private partial void LogCheckpointerStopped(Exception exception);
}
