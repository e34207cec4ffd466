namespace TokenConsole.Features.Billing;

/// <summary>Revenue recognition (fees into the daily rollups), the bill run, bills and credit notes.</summary>
public static class BillingModule
{
    public static void AddBilling(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<BillingOptions>(builder.Configuration.GetSection("Billing"));
        builder.Services.AddSingleton<IFeeRevenueStore, FeeRevenueStore>();
        builder.Services.AddSingleton<FeeRecognizer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FeeRecognizer>());
        // Bills and credit notes (issue 13, bills): one runner per process, the reads, the maker–checker, the schedule.
        // SQLite's own binding where it runs; the portable statements on PostgreSQL.
        builder.Services.AddSingleton<IBillStore>(services => Data.DatabaseProviders.Of(services.GetRequiredService<IConfiguration>()) == Data.DatabaseProvider.PostgreSQL
            ? new SqlBillStore() : new SqliteBillStore());
        builder.Services.AddSingleton<BillRunService>();
        builder.Services.AddSingleton<BillService>();
        builder.Services.AddSingleton<CreditNoteService>();
        builder.Services.AddScoped<Overview.IReviewSource, CreditNoteReviewSource>();
        builder.Services.AddSingleton<BillRunScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BillRunScheduler>());
    }

    public static void MapBilling(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapBillEndpoints();
    }
}

public sealed class BillingOptions
{
    /// <summary>Credit notes above this amount (CNY) need an executive's approval.</summary>
    public decimal CreditNoteApprovalThreshold { get; set; } = 1_000m;
    /// <summary>China's VAT on information services; prices are tax-inclusive.</summary>
    public decimal VatRate { get; set; } = 0.06m;
    /// <summary>When the monthly bill run starts, Beijing time, on the 1st.</summary>
    public TimeSpan BillRunAt { get; set; } = new(0, 10, 0);
    /// <summary>Whether the background fee recognizer runs (each Beijing day, through yesterday); off only for tools that drive it themselves.</summary>
    public bool RecognizeFees { get; set; } = true;
    /// <summary>Customers per transaction of the bill run: a kill loses at most one batch's work, never a bill.</summary>
    public int BillRunBatchSize { get; set; } = 1_000;
    /// <summary>A pause after each batch, to let the usage writer in on a loaded machine (0: none; the kill test slows a run with it).</summary>
    public TimeSpan BillRunBatchPause { get; set; } = TimeSpan.Zero;
    /// <summary>Whether the monthly bill run runs by itself (and resumes at start-up); off, it runs on demand only.</summary>
    public bool ScheduleBillRun { get; set; } = true;
}
