using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenConsole.Data;
using TokenConsole.Features.Pricing;
using TokenConsole.Features.Usage;
using TokenConsole.Features.Usage.Ingestion;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Usage;

public sealed class SaturationTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    [Fact]
    public async Task When_the_writer_queue_is_full_the_batch_is_refused_at_once_instead_of_queued()
    {
        var options = Options.Create(new IngestionOptions { QueueCapacity = 1 });
        var services = factory.Services;
        // A writer that is never started: its queue fills and stays full.
        var stalled = new UsageWriter(services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>(), services.GetRequiredService<IRatingEngine>(),
            services.GetRequiredService<PriceBookProvider>(), new UsageNotifier(), TimeProvider.System, options, new UsageWriterHealth(), NullLogger<UsageWriter>.Instance);
        var ingestion = new IngestionService(services.GetRequiredService<UsageReferenceProvider>(), stalled, TimeProvider.System, options);
        var subject = await IngestionSubject.FindAsync(factory);
        UsageEventRequest Event() => new()
        {
            Id = Guid.NewGuid().ToString("N"), Timestamp = DateTimeOffset.UtcNow.ToString("O"), Customer = subject.Customer, Package = subject.Package,
            Model = subject.Model, Region = subject.Region, Industry = subject.Industry, InputTokens = 1, OutputTokens = 1,
        };

        var first = ingestion.IngestAsync([Event()], TestContext.Current.CancellationToken);
        var second = await ingestion.IngestAsync([Event()], TestContext.Current.CancellationToken);

        Assert.Equal(IngestionStatus.Saturated, second.Status);
        Assert.False(first.IsCompleted);
    }
}
