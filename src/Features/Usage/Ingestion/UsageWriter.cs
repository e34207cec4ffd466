using System.Data.Common;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TokenConsole.Data;
using TokenConsole.Data.Cluster;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>The outcome of writing one request's valid events: how many were new and how many had been seen before.</summary>
public readonly record struct WriteOutcome(int Accepted, int Duplicates);

/// <summary>
/// The single writer of usage. SQLite takes one writer at a time, so requests hand their validated events to this
/// service through a bounded queue; it writes several requests in one transaction (group commit): the events (a
/// duplicate id is skipped by the unique index), their rating, and the hourly, daily and per-customer rollups of the
/// events that were new. A request is answered only after its transaction is committed (WAL, synchronous=FULL), so an
/// acknowledged event survives a killed process. A full queue is the back-pressure signal: the API answers 429.
/// Each event draws on its subscription's buckets (<see cref="BucketLedger"/>) in the same transaction: what a bucket
/// holds prices the event, and a retried or failed batch debits nothing twice.
/// </summary>
public sealed partial class UsageWriter : BackgroundService, IReferenceDataSubscriber
{
    private const int MaxEventsPerTransaction = 20_000;

    private readonly Channel<WriteRequest> _queue;
    private readonly IDbContextFactory<TokenConsoleDbContext> _dbFactory;
    private readonly IRatingEngine _rating;
    private readonly PriceBookProvider _priceBook;
    private readonly BucketLedger _ledger = new();
    private readonly UsageNotifier _notifier;
    private readonly TimeProvider _clock;
    private readonly IngestionOptions _options;
    private readonly ILogger<UsageWriter> _logger;
    private readonly Dictionary<(int Customer, int Month), long> _monthlyTokens = [];
    // One set of rollup maps for every transaction: cleared, not re-created, so they keep their grown capacity (re-growing
    // the per-customer map each transaction was 4 % of the writer's time).
    private readonly Aggregates _aggregates = new();
    // Reused likewise: each customer's tokens this transaction, per month.
    private readonly Dictionary<(int Customer, int Month), long> _monthlyDelta = [];
    private readonly UsageWriterHealth _health;
    // The rules that fired on the event being rated, written by the rating engine: one buffer for every event (allocation-free).
    private RuleEffect[] _fired = new RuleEffect[32];
    private DateTimeOffset _nextRetention;
    // Retention is a background job: with several instances, the one holding the lease drops the days.
    private readonly JobLease _lease;
    private int _failures;

    public UsageWriter(IDbContextFactory<TokenConsoleDbContext> dbFactory, IRatingEngine rating, PriceBookProvider priceBook, UsageNotifier notifier, TimeProvider clock,
        IOptions<IngestionOptions> options, UsageWriterHealth health, ILogger<UsageWriter> logger, JobLease? lease = null)
    {
        _lease = lease ?? JobLease.HeldAlone();
        _health = health;
        _dbFactory = dbFactory;
        _rating = rating;
        _priceBook = priceBook;
        _notifier = notifier;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
        _queue = Channel.CreateBounded<WriteRequest>(new BoundedChannelOptions(Math.Max(1, _options.QueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Queues events for writing; false when the queue is full (the caller answers 429).</summary>
    public bool TryEnqueue(ArraySegment<ValidUsageEvent> events, out Task<WriteOutcome> completion)
    {
        var request = new WriteRequest(events);
        completion = request.Completion.Task;
        return _queue.Writer.TryWrite(request);
    }

    /// <summary>
    /// A subscription (a top-up sold, a term changed) or customer change: the writer thread reloads its buckets before its
    /// next transaction. The periodic "everything" reloads them only if something changed.
    /// </summary>
    public Task OnChangedAsync(ReferenceDataChange change, CancellationToken cancellationToken)
    {
        if (change.Kind == ReferenceDataKind.Everything)
        {
            _ledger.CheckForChanges();
        }
        else if (change.Concerns(ReferenceDataKind.Subscription, ReferenceDataKind.Customer))
        {
            _ledger.Invalidate();
        }
        return Task.CompletedTask;
    }

    /// <summary>Whether the writer binds rows through <see cref="NativeMethods"/> (<c>Ingestion:NativeBinding</c>) or through SQLitePCL alone.</summary>
    internal bool NativeBinding => _options.NativeBinding;

    /// <summary>
    /// Before the writer runs, and so before the host answers anything: the native binding is checked against the library
    /// SQLitePCL loaded, and a mismatch fails the start (<see cref="NativeSqliteCheck"/> says why it does not fall back).
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.NativeBinding)
        {
            NativeSqliteCheck.Verify();
        }
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Nothing that goes wrong here may end the loop: an exception leaving it would stop the host (or, ignored, leave
    /// ingestion without a writer). A failed write fails its batch's requests (503, nothing stored, so nothing
    /// acknowledged is lost) and the writer reopens its connection after a bounded back-off; requests queued meanwhile
    /// wait for it, and a full queue answers 429 as always.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _failures++;
                var delay = Backoff.After(_failures);
                LogWriterRestarting(ex, delay.TotalSeconds);
                if (!await Backoff.WaitAsync(delay, _clock, stoppingToken))
                {
                    return;
                }
            }
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        await using var connection = await OpenAsync(stoppingToken);
        // SQLite's log is copied into the database on a thread of its own; PostgreSQL checkpoints by itself.
        await using var checkpointer = connection is SqliteConnection sqlite ? WalCheckpointer.Start(sqlite.ConnectionString, _logger) : null;
        if (connection is SqliteConnection days)
        {
            // The start-up (DatabaseInitializer) has prepared the day tables already; a writer on a database only migrated
            // (tests, a tool) has not. Two reads of the schema when there is nothing to do.
            UsageEventTables.Prepare(days);
        }
        LoadMonthlyTokens(connection);
        _ledger.Load(connection, _clock.GetUtcNow().UtcTicks, _options.AcceptedWindowDays, _priceBook.Current);
        using var statements = OpenStatements(connection, _options.NativeBinding);
        // Due at start and after every interval; also when the writer reopens after a failure, where it may meet the
        // lock that caused it, and must not end the writer.
        DropExpiredDaysWhenDue(statements);
        if (_health.Failing && !_queue.Reader.TryPeek(out _))
        {
            // Nothing waits to be written that would show the database takes writes again: a write rolled back shows it.
            await ProbeAsync(connection, stoppingToken);
            _health.Succeeded();
        }
        var batch = new List<WriteRequest>();
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            var events = 0;
            while (events < MaxEventsPerTransaction && _queue.Reader.TryRead(out var request))
            {
                batch.Add(request);
                events += request.Events.Count;
            }
            try
            {
                _ledger.ReloadIfNeeded(connection, _clock.GetUtcNow().UtcTicks, _options.AcceptedWindowDays, _priceBook.Current);
                var outcomes = Write(connection, statements, batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(outcomes[i]);
                }
                _health.Succeeded();
                _failures = 0;
                _notifier.Publish();
                if (checkpointer is { CatchUpWanted: true })
                {
                    checkpointer.CatchUpOnWriter((SqliteConnection)connection);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWriteFailed(ex, events);
                _ledger.Abandon();
                _health.Failed(_clock.GetUtcNow(), ex);
                foreach (var request in batch)
                {
                    request.Completion.TrySetException(ex);
                }
                // The connection may be left inside a transaction that could not be rolled back: start on a fresh one.
                throw;
            }
            DropExpiredDaysWhenDue(statements);
        }
    }

    /// <summary>Takes the write lock and writes an hourly rollup row, then rolls back: the writer's own kind of write.</summary>
    private static async Task ProbeAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Not deferred on SQLite: BEGIN IMMEDIATE takes the write lock at once, as the writer's own transactions do at their first insert.
        await using var transaction = connection is SqliteConnection sqlite ? sqlite.BeginTransaction(deferred: false) : await connection.BeginTransactionAsync(cancellationToken);
        await using var probe = connection.CreateCommand();
        probe.Transaction = transaction;
        probe.CommandText = """
            INSERT INTO "UsageRollups" ("Hour", "RegionCode", "IndustryCode", "ModelId", "PackageId", "PoolId", "InputTokens", "OutputTokens", "Calls", "RevenueMicros", "ComputeCostMicros")
            VALUES (0, 'probe', 'probe', 0, 0, 0, 0, 0, 0, 0, 0)
            """;
        await probe.ExecuteNonQueryAsync(cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        if (!db.Database.IsSqlite())
        {
            // PostgreSQL: a connection of the writer's own (outside the pool's churn); a commit is durable when it returns
            // (synchronous_commit on, the server's default), so an acknowledged event survives a killed process.
            var postgres = new Npgsql.NpgsqlConnection(db.Database.GetConnectionString());
            await postgres.OpenAsync(cancellationToken);
            return postgres;
        }
        // Microsoft.Data.Sqlite retries a busy command until its own timeout (30 s by default) on top of busy_timeout: one limit for both.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(db.Database.GetConnectionString())
        {
            DefaultTimeout = _options.BusyTimeoutSeconds,
        }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        // FULL: a commit is on disk before the client hears "accepted", whatever happens to the process or the machine.
        // A 64 MiB page cache (the default is 2 MiB): a group commit of 20,000 events dirties more pages than 2 MiB holds,
        // and SQLite would spill them to the WAL in the middle of the transaction. No checkpoint after a commit: the
        // WalCheckpointer copies the log on its own thread.
        pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout={_options.BusyTimeoutSeconds * 1000}; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=0;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Each customer's raw tokens so far this month and last (for the price rules' monthly-volume scope), from the daily rollup.</summary>
    private void LoadMonthlyTokens(DbConnection connection, DbTransaction? transaction = null)
    {
        _monthlyTokens.Clear();
        var since = BusinessCalendar.MonthStartUtc(_clock.GetUtcNow().AddDays(-_options.AcceptedWindowDays - 31));
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """SELECT "CustomerId", "Day", "Tokens" FROM "CustomerDailyUsage" WHERE "Day" >= @since""";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@since";
        parameter.Value = since.Ticks;
        command.Parameters.Add(parameter);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var key = (reader.GetInt32(0), MonthOf(new DateTime(reader.GetInt64(1), DateTimeKind.Utc)));
            _monthlyTokens[key] = _monthlyTokens.GetValueOrDefault(key) + reader.GetInt64(2);
        }
    }

    private WriteOutcome[] Write(DbConnection connection, IStatements statements, List<WriteRequest> batch)
    {
        var now = _clock.GetUtcNow().UtcTicks;
        var aggregates = _aggregates;
        aggregates.Clear();
        var monthlyDelta = _monthlyDelta;
        monthlyDelta.Clear();
        var outcomes = new WriteOutcome[batch.Count];
        var book = _priceBook.Current;
        using var transaction = connection.BeginTransaction();
        statements.Begin(transaction);
        if (statements.TakeTurn())
        {
            // Another instance wrote since this writer's last transaction: its draws and tokens are in the database, not
            // in this writer's memory. Read again inside the turn, where nobody else writes.
            _ledger.Load(connection, now, _options.AcceptedWindowDays, book);
            LoadMonthlyTokens(connection, transaction);
        }
        statements.Prefetch(batch);
        _ledger.Begin(connection, transaction, now);
        for (var r = 0; r < batch.Count; r++)
        {
            int accepted = 0, duplicates = 0;
            foreach (ref readonly var e in batch[r].Events.AsSpan())
            {
                var monthKey = (e.CustomerId, MonthOf(e.Timestamp.UtcDateTime));
                var soFar = _monthlyTokens.GetValueOrDefault(monthKey) + monthlyDelta.GetValueOrDefault(monthKey);
                var draw = _ledger.Find(e, book);
                var context = new UsageContext(e.PackageId, e.ModelId, e.CustomerId, e.RegionCode, e.IndustryCode, e.Segment,
                    e.Timestamp, e.InputTokens, e.OutputTokens, soFar, draw.Remaining, draw.WhenExhausted, draw.VersionId);
                var rating = _rating.Rate(context, _fired);
                if (rating.FiredRules > _fired.Length)
                {
                    // More rules fired than the buffer holds (a long stack): rated again, the same, with room for them all.
                    _fired = new RuleEffect[rating.FiredRules * 2];
                    rating = _rating.Rate(context, _fired);
                }
                if (!statements.Insert(e, rating, now))
                {
                    // A duplicate: stored before, drawn on the buckets then; nothing is drawn again.
                    duplicates++;
                    continue;
                }
                accepted++;
                _ledger.Debit(draw, e, rating.BucketTokens);
                CollectionsMarshal.GetValueRefOrAddDefault(monthlyDelta, monthKey, out _) += e.InputTokens + e.OutputTokens;
                aggregates.Add(e, rating);
                if (rating.FiredRules > 0)
                {
                    aggregates.AddRuleEffects(e, rating, _fired.AsSpan(0, rating.FiredRules));
                }
            }
            outcomes[r] = new WriteOutcome(accepted, duplicates);
        }
        aggregates.Upsert(statements);
        _ledger.Flush(statements.AddUsed);
        statements.Complete();
        transaction.Commit();
        foreach (var (key, tokens) in monthlyDelta)
        {
            _monthlyTokens[key] = _monthlyTokens.GetValueOrDefault(key) + tokens;
        }
        return outcomes;
    }

    /// <summary>
    /// Raw events leave by whole UTC days (<see cref="UsageEventTables"/>): a day's table is dropped once its last instant
    /// is older than the retention. One day per transaction, between the writer's own, and only one while requests
    /// wait: ingestion waits for at most one drop (a day of 700,000 events takes about 0.3 s), and the days left over
    /// are dropped after the next batches. Rollups are kept. Retention exceeds the accepted window, so an event is either
    /// still there to be recognised as a duplicate, or too old to be accepted again.
    /// </summary>
    private void DropExpiredDaysWhenDue(IStatements statements)
    {
        var now = _clock.GetUtcNow();
        if (now < _nextRetention || !_lease.IsHeld)
        {
            return;
        }
        try
        {
            var firstKept = UsageEventTables.DayOf(now.AddDays(-_options.EventRetentionDays).UtcTicks);
            foreach (var day in statements.StoredDays().Where(d => d < firstKept).ToList())
            {
                statements.DropDay(day);
                LogDayDropped(UsageEventTables.TableOf(day));
                if (_queue.Reader.TryPeek(out _))
                {
                    // Requests are waiting: they go first, and the next day after their batch. One day per batch keeps
                    // retention going under a load that never lets the queue empty.
                    return;
                }
            }
            _nextRetention = now.AddMinutes(_options.EventRetentionIntervalMinutes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Another connection holding the write lock longer than the busy timeout, typically: the next round retries.
            _nextRetention = now.AddMinutes(_options.EventRetentionIntervalMinutes);
            LogRetentionFailed(ex);
        }
    }

    /// <summary>Months are Beijing calendar months, numbered from year 0.</summary>
    private static int MonthOf(DateTime utc)
    {
        var local = BusinessCalendar.ToLocal(utc);
        return local.Year * 12 + local.Month - 1;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Events} usage events failed; the requests were answered with an error and nothing was stored")]
    private partial void LogWriteFailed(Exception exception, int events);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The usage writer reopens its connection in {DelaySeconds} s after a failure; queued requests wait")]
    private partial void LogWriterRestarting(Exception exception, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping expired days of raw usage events failed; it is retried at the next interval")]
    private partial void LogRetentionFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raw usage events past their retention dropped: {Table}")]
    private partial void LogDayDropped(string table);

    private sealed class WriteRequest(ArraySegment<ValidUsageEvent> events)
    {
        public ArraySegment<ValidUsageEvent> Events { get; } = events;
        public TaskCompletionSource<WriteOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
