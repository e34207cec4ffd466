using MudBlazor.Services;

namespace TokenConsole.Components;

/// <summary>The Blazor UI: components, MudBlazor, the request pipeline and the pages.</summary>
public static class UiModule
{
    public static void AddUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddProblemDetails();
        builder.AddCircuitMemory();
    }

    public static void UseConsolePipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }
        app.UseStatusCodePages(async context =>
        {
            // API clients get RFC 7807 problem details; only page GETs are sent to the not-found page. A re-executed POST
            // would turn a 400 (e.g. antiforgery) into a 500, so nothing else is re-executed.
            var http = context.HttpContext;
            if (http.Request.Path.StartsWithSegments("/api") || !HttpMethods.IsGet(http.Request.Method) || http.Response.StatusCode != StatusCodes.Status404NotFound)
            {
                await Results.Problem(statusCode: http.Response.StatusCode).ExecuteAsync(http);
                return;
            }
            http.Response.Redirect("/not-found");
        });
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
    }

    public static void MapUi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapStaticAssets();
        endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        endpoints.MapCircuitMemory();
    }
}
