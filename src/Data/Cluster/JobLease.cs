using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace TokenConsole.Data.Cluster;

/// <summary>
/// The right to run the background jobs (scheduled package activations, price-change activation, the subscription clock,
/// the bill run, fee recognition, outbox delivery, raw-event retention): one instance of those on one database holds
/// it at a time. Each job waits for it before every round (<see cref="WhenHeldAsync"/>), so a standby instance's jobs
/// sleep until the holder goes and then run at once, catching up what was due.
/// </summary>
/// <remarks>
/// On SQLite there is one instance (one process owns the file), so the lease is held from the start. On PostgreSQL,
/// <see cref="PostgresJobLeaseKeeper"/> holds it as a session advisory lock. The lease makes the jobs run once rather
/// than twice; it is not what keeps their results right: every job re-checks what it changes inside its own
/// transaction (watermarks, claims, unique keys), so a round that two instances ran at once in the seconds after a
/// lost connection still changes each thing once.
/// </remarks>
public sealed class JobLease
{
    private volatile TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>For a job built without a host (tests, benchmarks): one instance, so always held.</summary>
    public static JobLease HeldAlone()
    {
        var lease = new JobLease();
        lease.Acquired();
        return lease;
    }

    public bool IsHeld => _held.Task.IsCompleted;

    /// <summary>Completes at once while this instance holds the lease, otherwise when it gets it.</summary>
    public Task WhenHeldAsync(CancellationToken cancellationToken) => _held.Task.WaitAsync(cancellationToken);

    internal void Acquired() => _held.TrySetResult();

    internal void Lost()
    {
        if (_held.Task.IsCompleted)
        {
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}

/// <summary>
/// Holds the <see cref="JobLease"/> on PostgreSQL: <c>pg_try_advisory_lock</c> on a connection of its own, kept open
/// while held and checked every <see cref="CheckInterval"/>; a standby tries to take it as often. A killed holder's
/// session ends with its TCP connection, the server releases the lock, and a standby has it within one interval.
/// </summary>
/// <remarks>
/// By hand rather than with DistributedLock.Postgres: the whole protocol is the two statements below on one connection,
/// and the check that matters ("is my session still alive?") is a query on that very connection, which the library's
/// handle does not expose.
/// </remarks>
public sealed class PostgresJobLeaseKeeper(JobLease lease, IConfiguration configuration, ILogger<PostgresJobLeaseKeeper> logger) : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    /// <summary>The advisory lock's key ("TCJobs" in ASCII). Advisory locks are per database, so each database has its own runner.</summary>
    public const long LockKey = 0x5443_4A6F_6273;

    private NpgsqlConnection? _connection;

    /// <summary>On SQLite the lease is this process's from the start; on PostgreSQL the first try is made before the jobs start.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (DatabaseProviders.Of(configuration) != DatabaseProvider.PostgreSQL)
        {
            lease.Acquired();
            return;
        }
        await CheckAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (await Backoff.WaitAsync(CheckInterval, TimeProvider.System, stoppingToken))
        {
            await CheckAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Closing the session releases the lock: a standby takes over within one interval instead of at the TCP timeout.
        lease.Lost();
        await DropConnectionAsync();
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_connection is not null)
            {
                // A session advisory lock lasts as long as the session: the connection answering is the lease still held.
                await using var ping = new NpgsqlCommand("SELECT 1", _connection);
                await ping.ExecuteScalarAsync(cancellationToken);
                return;
            }
            var connection = new NpgsqlConnection(LeaseConnectionString(configuration));
            await connection.OpenAsync(cancellationToken);
            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            take.Parameters.AddWithValue("key", LockKey);
            if (await take.ExecuteScalarAsync(cancellationToken) is true)
            {
                _connection = connection;
                lease.Acquired();
                logger.LogInformation("This instance now runs the background jobs (job lease acquired)");
                return;
            }
            await connection.DisposeAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (_connection is not null)
            {
                lease.Lost();
                logger.LogWarning(ex, "The job lease's connection failed: this instance stops running the background jobs until it holds the lease again");
            }
            else
            {
                logger.LogWarning(ex, "Could not try for the job lease; trying again in {Seconds} s", CheckInterval.TotalSeconds);
            }
            await DropConnectionAsync();
        }
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// The configured connection, unpooled (closing it must end the session and so release the lock, not park it in a
    /// pool with the lock still held) and with TCP keepalives, so a silently dead network is noticed.
    /// </summary>
    internal static string LeaseConnectionString(IConfiguration configuration, string applicationName = "tokenconsole-jobs") =>
        new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(DataModule.ConnectionStringName))
        {
            Pooling = false,
            KeepAlive = 10,
            ApplicationName = applicationName,
        }.ConnectionString;
}

/// <summary>
/// Start-up's migration and seeding, one instance at a time: two instances started together on an empty PostgreSQL
/// database would otherwise both find no packages and both seed. The second waits on a session advisory lock, then
/// finds everything in place and seeds nothing. On SQLite there is one instance; nothing is taken.
/// </summary>
public static class StartupLock
{
    /// <summary>"TCInit" in ASCII.</summary>
    public const long LockKey = 0x5443_496E_6974;

    public static async Task<IAsyncDisposable?> TakeAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (DatabaseProviders.Of(configuration) != DatabaseProvider.PostgreSQL)
        {
            return null;
        }
        var connection = new NpgsqlConnection(PostgresJobLeaseKeeper.LeaseConnectionString(configuration, "tokenconsole-start"));
        await connection.OpenAsync(cancellationToken);
        await using var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
        take.Parameters.AddWithValue("key", LockKey);
        await take.ExecuteNonQueryAsync(cancellationToken);
        // Closing the unpooled connection ends the session, which releases the lock.
        return connection;
    }
}

/// <summary>
/// Says in <c>/health/ready</c> which instance runs the background jobs: always healthy (a standby is ready to serve),
/// so that an operator, and the two-instance tests, can see the runner and watch it move when it is stopped or killed.
/// </summary>
public sealed class JobLeaseHealthCheck(JobLease lease) : IHealthCheck
{
    public const string Runner = "This instance runs the background jobs (it holds the job lease).";
    public const string Standby = "Standby: another instance runs the background jobs; this one takes over if it goes.";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy(lease.IsHeld ? Runner : Standby));
}
