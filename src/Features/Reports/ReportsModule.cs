namespace TokenConsole.Features.Reports;

/// <summary>The executive report and its exports; reads the rollups and the catalog from the database.</summary>
public static class ReportsModule
{
    public static void AddReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ReportsService>();
        builder.Services.AddScoped<ReportExporter>();
    }

    public static void MapReports(this IEndpointRouteBuilder endpoints) => endpoints.MapReportExports();
}
