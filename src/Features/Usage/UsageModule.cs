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
        // The exactly-once argument (UsageEventTables) needs raw events kept longer than events are accepted; and one
        // table a day, all named in one view, stays under SQLite's 500 terms of a compound SELECT.
        services.AddOptions<IngestionOptions>().Bind(builder.Configuration.GetSection(IngestionOptions.Section))
            .Validate(o => o.AcceptedWindowDays > 0 && o.EventRetentionDays > o.AcceptedWindowDays,
                "Ingestion:EventRetentionDays must be longer than Ingestion:AcceptedWindowDays (> 0), or a retried event could find its first copy deleted and be counted twice.")
            .Validate(o => o.EventRetentionDays <= IngestionOptions.MaxEventRetentionDays,
                $"Ingestion:EventRetentionDays must be at most {IngestionOptions.MaxEventRetentionDays}: raw events are for duplicate checks; rollups keep the history.")
            .ValidateOnStart();
        services.AddSingleton<UsageNotifier>();
        services.AddSingleton<UsageSignalRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageSignalRelay>());
        services.AddSingleton<Data.Cluster.IClusterSignalHandler>(sp => sp.GetRequiredService<UsageSignalRelay>());
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
