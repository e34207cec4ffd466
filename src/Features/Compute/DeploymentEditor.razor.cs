using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using TokenConsole.Data.Writes;
using TokenConsole.Localization;

namespace TokenConsole.Features.Compute;

/// <summary>The cell editor of the mapping matrix: adds, edits or removes the deployment of one model on one pool.</summary>
public partial class DeploymentEditor
{
    private DeploymentCell? _cell;
    private DeploymentForm _form = new();
    private FieldErrors _errors = [];
    private (string? Field, string Message)? _serverError;
    private string? _error;
    private bool _canEdit;
    private bool _busy;
    private bool _confirmRemove;

    [Inject] private ComputeEditService Edit { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [Parameter, EditorRequired] public int ModelId { get; set; }
    [Parameter, EditorRequired] public int PoolId { get; set; }
    /// <summary>Raised after a save or a removal went through.</summary>
    [Parameter] public EventCallback OnChanged { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _canEdit = await Edit.CanEditAsync((await AuthenticationState).User);
        _cell = await Edit.CellAsync(ModelId, PoolId);
        if (_cell is null)
        {
            _error = L["This model or pool no longer exists."];
            return;
        }
        _form = _cell.Deployment is { } d ? DeploymentForm.From(d)
            : new DeploymentForm { ModelId = ModelId, PoolId = PoolId, AllocatedTokensPerSecond = Math.Min(_cell.FreeTokensPerSecond, 500), Role = DeploymentRole.Primary };
        Validate();
    }

    private static string PoolName(ComputePool pool) => Display.IsChinese() ? pool.NameZh : pool.Name;

    private void Validate()
    {
        _serverError = null;
        _errors = _form.Validate(_cell!.FreeTokensPerSecond, [.. _cell.Regions.Select(r => r.Code)]);
    }

    private void ResidencyChanged(IEnumerable<string> regions)
    {
        _form.ResidencyRegions = [.. regions];
        Validate();
    }

    private string? ErrorOf(string field) =>
        _serverError is { Field: var f, Message: var m } && f == field ? m
        : _errors.Of(field) is { } key ? ComputeText.Format(L, key, _cell!.FreeTokensPerSecond) : null;

    private async Task SaveAsync() => await RunAsync(() => Edit.SaveDeploymentAsync(User, _form));

    private async Task RemoveAsync() => await RunAsync(() => Edit.RemoveDeploymentAsync(User, _cell!.Deployment!.Id, _cell.Deployment.Version));

    private System.Security.Claims.ClaimsPrincipal User => AuthenticationState.Result.User;

    private async Task RunAsync<T>(Func<Task<WriteResult<T>>> change)
    {
        _busy = true;
        _error = null;
        try
        {
            if ((await change()).Refusal is not { } refusal)
            {
                await OnChanged.InvokeAsync();
                return;
            }
            var message = ComputeText.Message(L, refusal);
            if (refusal.Field is not null && !refusal.Conflict)
            {
                _serverError = (refusal.Field, message);
            }
            else
            {
                _error = message;
            }
            _confirmRemove = false;
        }
        finally
        {
            _busy = false;
        }
    }
}
