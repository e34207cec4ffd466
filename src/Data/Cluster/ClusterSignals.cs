using Npgsql;

namespace TokenConsole.Data.Cluster;

/// <summary>
/// Something one instance tells the others, by topic: "a reference-data change committed" (<see cref="ReferenceDataRelay"/>),
/// "usage was stored" (the usage feature's relay). On PostgreSQL it is a <c>NOTIFY</c> on <see cref="Channel"/>, which
/// every instance <c>LISTEN</c>s to (<see cref="PostgresSignalListener"/>); on SQLite there is no other instance and
/// nothing is sent.
/// </summary>
public sealed class ClusterSignals(IConfiguration configuration, ILogger<ClusterSignals> logger)
{
    public const string Channel = "tokenconsole_signals";

    /// <summary>This process, so that it ignores its own signals (PostgreSQL delivers a NOTIFY to every listener, the sender's too).</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>True when other instances may share the database (PostgreSQL); on SQLite nothing is sent.</summary>
    public bool Shared => DatabaseProviders.Of(configuration) == DatabaseProvider.PostgreSQL;

    /// <summary>
    /// Sends <paramref name="body"/> on <paramref name="topic"/> to the other instances. It never throws: what it tells of
    /// is already committed, and a signal that did not go is made up for by the 30 s reload (<see cref="ReferenceDataRefresher"/>).
    /// </summary>
    public async Task SendAsync(string topic, string body)
    {
        if (!Shared)
        {
            return;
        }
        try
        {
            await using var connection = new NpgsqlConnection(configuration.GetConnectionString(DataModule.ConnectionStringName));
            await connection.OpenAsync();
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
            notify.Parameters.AddWithValue("channel", Channel);
            notify.Parameters.AddWithValue("payload", $"{InstanceId}|{topic}|{body}");
            await notify.ExecuteNonQueryAsync();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not tell the other instances of a {Topic} signal; they see it at their next periodic reload", topic);
        }
    }

    /// <summary>The sender, topic and body of a payload <see cref="SendAsync"/> made; null for anything else on the channel.</summary>
    internal static (string Instance, string Topic, string Body)? Parse(string payload)
    {
        var parts = payload.Split('|', 3);
        return parts.Length == 3 ? (parts[0], parts[1], parts[2]) : null;
    }
}

/// <summary>What an instance does with a signal of its <see cref="Topic"/> from another instance.</summary>
public interface IClusterSignalHandler
{
    string Topic { get; }

    Task OnSignalAsync(string body, CancellationToken cancellationToken);

    /// <summary>The listener was disconnected and is back: signals may have been missed, so assume anything changed.</summary>
    Task OnResumedAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Listens on <see cref="ClusterSignals.Channel"/> on a connection of its own and hands each other instance's signal to
/// the handlers of its topic. A lost connection is reopened after a back-off, and the handlers are then told that they
/// may have missed something. On SQLite it does nothing.
/// </summary>
public sealed class PostgresSignalListener(ClusterSignals signals, IServiceProvider services, IConfiguration configuration, ILogger<PostgresSignalListener> logger)
    : BackgroundService
{
    private IClusterSignalHandler[]? _handlers;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!signals.Shared)
        {
            return;
        }
        // Resolved here, not in the constructor: the handlers depend on services that may depend on the signals.
        _handlers = [.. services.GetServices<IClusterSignalHandler>()];
        var failures = 0;
        var resumed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(PostgresJobLeaseKeeper.LeaseConnectionString(configuration, "tokenconsole-signals"));
                connection.Notification += (_, e) => Dispatch(e.Payload, stoppingToken);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {ClusterSignals.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                failures = 0;
                if (resumed)
                {
                    foreach (var handler in _handlers)
                    {
                        await SafelyAsync(handler, h => h.OnResumedAsync(stoppingToken));
                    }
                }
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                resumed = true;
                logger.LogWarning(ex, "Listening for the other instances' signals failed; reconnecting after a back-off");
                if (!await Backoff.WaitAsync(Backoff.After(failures), TimeProvider.System, stoppingToken))
                {
                    return;
                }
            }
        }
    }

    private void Dispatch(string payload, CancellationToken stoppingToken)
    {
        if (ClusterSignals.Parse(payload) is not { } signal || signal.Instance == signals.InstanceId)
        {
            return;
        }
        foreach (var handler in _handlers!)
        {
            if (handler.Topic == signal.Topic)
            {
                // Off the connection's thread: a handler that reloads a cache must not hold up the next notification.
                _ = Task.Run(() => SafelyAsync(handler, h => h.OnSignalAsync(signal.Body, stoppingToken)), stoppingToken);
            }
        }
    }

    private async Task SafelyAsync(IClusterSignalHandler handler, Func<IClusterSignalHandler, Task> call)
    {
        try
        {
            await call(handler);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "{Handler} failed on a signal from another instance; the periodic reload catches up", handler.GetType().Name);
        }
    }
}

/// <summary>Another instance's reference-data change reaches this instance's caches as if it had been made here.</summary>
public sealed class ReferenceDataRelay(ReferenceDataEvents events) : IClusterSignalHandler
{
    public const string TopicName = "reference-data";

    public string Topic => TopicName;

    public Task OnSignalAsync(string body, CancellationToken cancellationToken) =>
        Enum.TryParse<ReferenceDataKind>(body, out var kind) ? events.PublishHereAsync(new ReferenceDataChange(kind)) : Task.CompletedTask;

    public Task OnResumedAsync(CancellationToken cancellationToken) => events.PublishHereAsync(ReferenceDataChange.Everything);
}
