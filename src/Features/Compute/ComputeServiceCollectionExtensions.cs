namespace TokenConsole.Features.Compute;

public static class ComputeServiceCollectionExtensions
{
    public static void AddCompute(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ComputeService>();
        builder.Services.AddScoped<ComputeEditService>();
    }
}
