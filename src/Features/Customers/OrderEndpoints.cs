using System.Globalization;
using System.Text.Json;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Usage.Ingestion;

namespace TokenConsole.Features.Customers;

/// <summary>
/// The order system's subscription API, authenticated by API key in <c>X-Api-Key</c> as usage ingestion is. Any active
/// key may order for now; once keys have scopes (issue 17) these endpoints require <c>orders:write</c>. The change is
/// made as a system actor named after the key, so the audit log says which integration did it.
/// </summary>
public static class OrderEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapOrderEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/subscriptions", SubscribeAsync)
            .AllowAnonymous().DisableAntiforgery().WithName("OrderSubscription")
            .WithSummary("Subscribes a customer to a base package, once per clientRequestId")
            .WithDescription("Body: {clientRequestId, customerCode, packageCode, startsAt?}. 201 with the subscription and its version; a retry with the same clientRequestId and body gets the first answer again; the same id with another body: 409. Refusals: 400 problem+json naming the field.")
            .Produces<OrderResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict);
        endpoints.MapPost("/api/v1/subscriptions/{id:int}/changes", ChangeAsync)
            .AllowAnonymous().DisableAntiforgery().WithName("OrderSubscriptionChange")
            .WithSummary("Upgrades, downgrades, suspends, resumes, cancels or tops up a subscription, once per clientRequestId")
            .WithDescription("Body: {clientRequestId, action: upgrade|downgrade|suspend|resume|cancel|topUp, packageCode?, version, reason?}. 404 for an unknown subscription; 409 when version is not the current one or the clientRequestId was used for another body.")
            .Produces<OrderResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> SubscribeAsync(HttpContext http, IApiKeyAuthenticator keys, OrderService orders)
    {
        if (Authenticate(http, keys) is not { } actor)
        {
            return Unauthorized(http);
        }
        var (order, problem) = await ReadAsync<SubscribeOrder>(http);
        return problem ?? Answer(await orders.SubscribeAsync(actor, order!, http.RequestAborted));
    }

    private static async Task<IResult> ChangeAsync(HttpContext http, int id, IApiKeyAuthenticator keys, OrderService orders)
    {
        if (Authenticate(http, keys) is not { } actor)
        {
            return Unauthorized(http);
        }
        var (order, problem) = await ReadAsync<ChangeOrder>(http);
        return problem ?? Answer(await orders.ChangeAsync(actor, id, order!, http.RequestAborted));
    }

    /// <summary>The key's system actor: <c>apikey:{id}</c> (or the configured key's name), shown as "Order system (key name)".</summary>
    private static Actor? Authenticate(HttpContext http, IApiKeyAuthenticator keys) =>
        keys.Authenticate(http.Request.Headers[IngestionEndpoints.ApiKeyHeader]) is { } key
            ? new Actor("apikey:" + (key.Id?.ToString(CultureInfo.InvariantCulture) ?? key.Name), $"Order system ({key.Name})")
            : null;

    private static IResult Unauthorized(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
            detail: $"Send a valid, unrevoked API key in the {IngestionEndpoints.ApiKeyHeader} header. Keys are created by an administrator in Admin → API keys.");
    }

    private static async Task<(T? Order, IResult? Problem)> ReadAsync<T>(HttpContext http) where T : class
    {
        try
        {
            var order = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Json, http.RequestAborted);
            return order is null ? (null, Problem("body", "The body must be a JSON object.")) : (order, null);
        }
        catch (JsonException ex)
        {
            // The path names the field ($.startsAt, $.version): the problem names it too.
            var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            return (null, Problem(field, $"Not valid JSON for this field or body: {ex.Message}"));
        }
    }

    private static IResult Problem(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The order is not valid");

    private static IResult Answer(OrderAnswer answer)
    {
        if (answer.Body is { } body)
        {
            return Results.Text(body, "application/json", statusCode: answer.StatusCode);
        }
        return Results.ValidationProblem(answer.Errors ?? new Dictionary<string, string[]>(), title: answer.ProblemTitle, statusCode: answer.StatusCode);
    }
}
