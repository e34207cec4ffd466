namespace TokenConsole.Features.Overview;

public static class OverviewServiceCollectionExtensions
{
    public static void AddOverview(this WebApplicationBuilder builder) => builder.Services.AddScoped<OverviewService>();
}
