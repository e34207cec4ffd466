using TokenConsole.Data;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Features.Usage;

/// <summary>
/// Usage ingestion, rollups, the heatmap and drill-down. Reads API keys through Admin's
/// <see cref="Admin.IApiKeyAuthenticator"/> and rates through Pricing's <see cref="Pricing.IRatingEngine"/>; its
/// reference data follows the reference-data events.
/// </summary>
public static class UsageModule
{
    public static void AddUsage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<UsageService>();
        services.AddScoped<HeatmapService>();
        services.AddScoped<DrillDownService>();
        services.AddScoped<UsageImportAudit>();
        services.Configure<IngestionOptions>(builder.Configuration.GetSection(IngestionOptions.Section));
        services.AddSingleton<UsageNotifier>();
        services.AddSingleton<UsageReferenceProvider>();
        services.AddSingleton<IReferenceDataSubscriber>(sp => sp.GetRequiredService<UsageReferenceProvider>());
        services.AddSingleton<IngestionService>();
        services.AddSingleton<UsageWriterHealth>();
        services.AddHealthChecks().AddCheck<UsageWriterHealth>("usage-writer", tags: [DataModule.ReadyTag]);
        services.AddSingleton<UsageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageWriter>());
        // Subscription changes (top-ups, terms) reach the writer's buckets.
        services.AddSingleton<IReferenceDataSubscriber>(sp => sp.GetRequiredService<UsageWriter>());
    }

    public static void MapUsage(this IEndpointRouteBuilder endpoints) => endpoints.MapIngestionEndpoints();
}
