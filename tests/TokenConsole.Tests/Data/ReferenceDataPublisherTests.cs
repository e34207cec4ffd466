using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Data;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Compute;
using TokenConsole.Features.Pricing;
using TokenConsole.Features.Usage;
using TokenConsole.Features.Usage.Ingestion;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Data;

/// <summary>The in-process reference-data events: who hears what, and a failing subscriber never fails the publisher.</summary>
public sealed class ReferenceDataPublisherTests : IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly LogCapture _logs = new();

    public void Dispose() => _database.Dispose();

    private ServiceProvider Build(Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection()
            .AddModules(_database, new FakeTimeProvider(DateTimeOffset.UnixEpoch), b => b.AddCompute(), b => b.AddUsage(), b => b.AddPricing(), b => b.AddAdmin());
        services.AddLogging(logging => logging.AddProvider(_logs));
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Each_cache_of_reference_data_is_a_subscriber()
    {
        using var services = Build();
        var subscribers = services.GetServices<IReferenceDataSubscriber>().Select(s => s.GetType()).ToList();

        Assert.Subset(subscribers.ToHashSet(),
            new HashSet<Type> { typeof(UsageReferenceProvider), typeof(PriceBookProvider), typeof(RuleSetProvider), typeof(ApiKeyService), typeof(ComputeAlertsInvalidation) });
    }

    [Fact]
    public async Task A_subscriber_that_fails_is_logged_and_the_others_still_hear_the_change()
    {
        using var services = Build(s => s.AddSingleton<IReferenceDataSubscriber, Failing>());
        var signal = services.GetRequiredService<ReferenceDataSignal>();
        var heard = signal.NextAsync(ReferenceDataKind.Package, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        await services.GetRequiredService<IReferenceDataEvents>().PublishAsync(ReferenceDataKind.Package);

        await heard;
        Assert.Contains(_logs.Messages, m => m.Contains(nameof(Failing), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reload_that_fails_keeps_the_previous_data_and_does_not_reach_the_publisher()
    {
        using var services = Build();
        var events = services.GetRequiredService<IReferenceDataEvents>();
        await events.PublishAsync(ReferenceDataChange.Everything);
        var book = services.GetRequiredService<PriceBookProvider>().Current;

        // The database file is gone: every reload fails.
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        await events.PublishAsync(ReferenceDataKind.Package);

        Assert.Same(book, services.GetRequiredService<PriceBookProvider>().Current);
        Assert.Contains(_logs.Messages, m => m.Contains(nameof(PriceBookProvider), StringComparison.Ordinal));
    }

    private sealed class Failing : IReferenceDataSubscriber
    {
        public Task OnChangedAsync(ReferenceDataChange change, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("this cache cannot reload");
    }
}
