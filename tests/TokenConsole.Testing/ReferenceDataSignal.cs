using TokenConsole.Data;

namespace TokenConsole.Testing;

/// <summary>
/// A subscriber that tells a test when a reference-data change was published: the observable signal that a background
/// service (the scheduled activations, the price change scheduler) did its work, instead of sleeping and looking.
/// <see cref="Modules.AddModules(Microsoft.Extensions.DependencyInjection.IServiceCollection, TestDatabase, TimeProvider, Action{Microsoft.Extensions.Hosting.IHostApplicationBuilder}[])"/>
/// registers one in every test bed.
/// </summary>
public sealed class ReferenceDataSignal : IReferenceDataSubscriber
{
    private readonly Lock _lock = new();
    private readonly List<(ReferenceDataKind Kind, TaskCompletionSource Source)> _waiting = [];
    private readonly List<ReferenceDataKind> _published = [];

    /// <summary>Every kind published so far, in order.</summary>
    public IReadOnlyList<ReferenceDataKind> Published
    {
        get
        {
            lock (_lock)
            {
                return [.. _published];
            }
        }
    }

    /// <summary>Completes when a change of <paramref name="kind"/> is published from now on; fails after <paramref name="timeout"/>.</summary>
    public Task NextAsync(ReferenceDataKind kind, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add((kind, source));
        }
        return source.Task.WaitAsync(timeout, cancellationToken);
    }

    public Task OnChangedAsync(ReferenceDataChange change, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _published.Add(change.Kind);
            foreach (var waiting in _waiting.Where(w => change.Concerns(w.Kind)).ToList())
            {
                waiting.Source.TrySetResult();
                _waiting.Remove(waiting);
            }
        }
        return Task.CompletedTask;
    }
}
