namespace TokenConsole.Features.Billing;

/// <summary>Revenue recognition (fees into the daily rollups), the bill run, bills and credit notes.</summary>
public static class BillingModule
{
    public static void AddBilling(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<BillingOptions>(builder.Configuration.GetSection("Billing"));
        builder.Services.AddSingleton<IFeeRevenueStore, SqlFeeRevenueStore>();
        builder.Services.AddSingleton<FeeRecognizer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FeeRecognizer>());
    }

    public static void MapBilling(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
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
}
