namespace TokenConsole.Data;

/// <summary>What kind of reference data changed. <see cref="Everything"/> is sent at start and by the safety net.</summary>
public enum ReferenceDataKind
{
    Everything,
    Package,
    PriceRules,
    Model,
    Pool,
    Deployment,
    ApiKey,
    Customer,
    Subscription,
}

/// <summary>A change to reference data, published after its transaction committed.</summary>
public readonly record struct ReferenceDataChange(ReferenceDataKind Kind)
{
    public static readonly ReferenceDataChange Everything = new(ReferenceDataKind.Everything);

    /// <summary>True when the change is of one of <paramref name="kinds"/>, or may be of any (<see cref="ReferenceDataKind.Everything"/>).</summary>
    public bool Concerns(params ReadOnlySpan<ReferenceDataKind> kinds) => Kind == ReferenceDataKind.Everything || kinds.Contains(Kind);
}

/// <summary>
/// Tells the in-process caches of reference data (ingestion's codes, API keys, the price book, the ruleset, the compute
/// alerts) that something changed. A service publishes right after its change committed; the call returns when every
/// subscriber has reloaded, so the next request of anyone in this process sees the change.
/// </summary>
public interface IReferenceDataEvents
{
    Task PublishAsync(ReferenceDataKind kind);

    Task PublishAsync(ReferenceDataChange change);
}

/// <summary>A cache of reference data. Registered in DI as <see cref="IReferenceDataSubscriber"/>; usually a singleton.</summary>
public interface IReferenceDataSubscriber
{
    /// <summary>Reloads what <paramref name="change"/> concerns. An exception is logged by the publisher, never thrown to it.</summary>
    Task OnChangedAsync(ReferenceDataChange change, CancellationToken cancellationToken);
}

/// <summary>
/// Calls the subscribers one after another. They are resolved on the first publish, not in the constructor, so that a
/// subscriber may itself publish (the API key cache belongs to the service that creates keys). The change is already
/// committed when this runs, so the caller's cancellation does not stop the reload: a cache must not miss a change
/// because a browser tab closed. Then the other instances on the database are told (<see cref="Cluster.ClusterSignals"/>),
/// and their caches reload as this one's did.
/// </summary>
public sealed class ReferenceDataEvents(IServiceProvider services, Cluster.ClusterSignals signals, ILogger<ReferenceDataEvents> logger) : IReferenceDataEvents
{
    private IReferenceDataSubscriber[]? _subscribers;

    public Task PublishAsync(ReferenceDataKind kind) => PublishAsync(new ReferenceDataChange(kind));

    public async Task PublishAsync(ReferenceDataChange change)
    {
        await PublishHereAsync(change);
        // "Everything" is this process's own start or safety net: every instance has its own, nothing to tell.
        if (change.Kind != ReferenceDataKind.Everything)
        {
            await signals.SendAsync(Cluster.ReferenceDataRelay.TopicName, change.Kind.ToString());
        }
    }

    /// <summary>Reloads this process's caches only: for a change another instance made and has told the others of.</summary>
    public async Task PublishHereAsync(ReferenceDataChange change)
    {
        _subscribers ??= [.. services.GetServices<IReferenceDataSubscriber>()];
        foreach (var subscriber in _subscribers)
        {
            try
            {
                await subscriber.OnChangedAsync(change, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // A failed reload must not fail the change that was already committed; the safety net retries it.
                logger.LogError(ex, "{Subscriber} failed to reload after a {Kind} change; the periodic reload will retry", subscriber.GetType().Name, change.Kind);
            }
        }
    }
}

/// <summary>
/// The slow safety net: publishes <see cref="ReferenceDataChange.Everything"/> every <see cref="Period"/>, for changes
/// this process was not told of (a script on the database, a signal from another instance that was lost). Changes made
/// in this process are published by the service that made them and reach the caches at once, and those of another
/// instance within a moment (LISTEN/NOTIFY); nothing here is needed for them.
/// </summary>
public sealed class ReferenceDataRefresher(IReferenceDataEvents events, TimeProvider clock, ILogger<ReferenceDataRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    /// <summary>Never ends before the host stops: a failed round is logged and retried after a bounded back-off (issue 12).</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (await Backoff.WaitAsync(failures == 0 ? Period : Backoff.After(failures), clock, stoppingToken))
        {
            try
            {
                await events.PublishAsync(ReferenceDataChange.Everything);
                failures = 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures++;
                logger.LogError(ex, "The periodic reload of reference data failed; retrying after a back-off");
            }
        }
    }
}
