using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>
/// What the Workflow tests do against the suite's Workflow service: users' calls, integration events posted with a
/// publisher's service token (as Content's and Communication's outbox will), published pathways, instances followed to
/// a state, and reads of Workflow's own database where a test must see what is stored.
/// </summary>
internal sealed class WorkflowClient(StackFixture stack, string instance = WorkflowUnderTest.Name) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Calls <c>workflow</c>, or the instance named (<see cref="WorkflowUnderTest.Instances"/>).</summary>
    public ServiceCaller Caller { get; } = new(stack, instance);

    public HttpClient Http => Caller.Http;

    private readonly Dictionary<string, string> _serviceTokens = [];

    public Task<ServiceCaller.User> NewOrganizationAdminAsync() => Caller.NewOrganizationAdminAsync();

    public Task<ServiceCaller.User> MemberAsync(ServiceCaller.User organization, Guid roleId) => Caller.MemberAsync(organization, roleId);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null) => Caller.SendAsync(method, path, token, body);

    public async Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, string? token, string json, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await Http.SendAsync(request, Ct);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    public async Task<JsonElement> OkJsonAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var response = await SendAsync(method, path, token, body);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A publisher's client-credentials token for Workflow (cached per client).</summary>
    public async Task<string> ServiceTokenAsync(string client)
    {
        if (!_serviceTokens.TryGetValue(client, out var token))
        {
            _serviceTokens[client] = token = await Caller.ServiceTokenAsync(client, "workflow");
        }
        return token;
    }

    /// <summary>Posts an integration event as its publisher would; returns the response (the caller disposes it).</summary>
    public async Task<HttpResponseMessage> PostEventAsync(string source, string type, Guid organizationId, object data, Guid? messageId = null, DateTimeOffset? occurredAt = null)
    {
        var token = await ServiceTokenAsync(source);
        return await SendAsync(HttpMethod.Post, "/api/internal/events", token, new
        {
            messageId = messageId ?? Guid.NewGuid(),
            type,
            source,
            organizationId,
            occurredAt = occurredAt ?? DateTimeOffset.UtcNow,
            data,
        });
    }

    public async Task<string> EventAsync(string source, string type, Guid organizationId, object data, Guid? messageId = null, DateTimeOffset? occurredAt = null)
    {
        using var response = await PostEventAsync(source, type, organizationId, data, messageId, occurredAt);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{type}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("result").GetString()!;
    }

    /// <summary>A patient Content told Workflow about (patient.created), of <paramref name="organization"/>'s organization.</summary>
    public async Task<Guid> KnownPatientAsync(ServiceCaller.User organization, string? email = null, string? birthDate = null)
    {
        var patientId = Guid.NewGuid();
        Assert.Equal("handled", await EventAsync("content", "patient.created", organization.OrganizationId,
            new { patientId, active = true, birthDate = birthDate ?? "1958-04-02", gender = "female", email }));
        return patientId;
    }

    /// <summary>Creates a pathway with <paramref name="definition"/> as version 1 and publishes it; returns its id.</summary>
    public async Task<Guid> PublishedPathwayAsync(ServiceCaller.User manager, string definition, string name = "Test pathway")
    {
        using var created = await SendJsonAsync(HttpMethod.Post, "/api/care-pathways", manager.Token, $$"""{ "name": {{JsonSerializer.Serialize(name)}}, "definition": {{definition}} }""");
        var text = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
        await OkJsonAsync(HttpMethod.Post, $"/api/care-pathways/{id}/versions/1/publish", manager.Token);
        return id;
    }

    public async Task<Guid> StartAsync(ServiceCaller.User manager, Guid pathwayId, Guid patientId, object? variables = null)
    {
        using var started = await SendAsync(HttpMethod.Post, "/api/pathway-instances", manager.Token, new { pathwayId, patientId, variables });
        var text = await started.Content.ReadAsStringAsync(Ct);
        Assert.True(started.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    public Task<JsonElement> InstanceAsync(ServiceCaller.User user, Guid instanceId) => OkJsonAsync(HttpMethod.Get, $"/api/pathway-instances/{instanceId}", user.Token);

    /// <summary>Polls the instance (up to <paramref name="seconds"/>) until <paramref name="done"/> holds; fails with its last state otherwise.</summary>
    public async Task<JsonElement> WaitForAsync(ServiceCaller.User user, Guid instanceId, Func<JsonElement, bool> done, int seconds = 30)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(seconds);
        JsonElement detail;
        do
        {
            detail = await InstanceAsync(user, instanceId);
            if (done(detail))
            {
                return detail;
            }
            await Task.Delay(100, Ct);
        }
        while (DateTimeOffset.UtcNow < deadline);
        Assert.Fail($"Instance {instanceId} did not reach the expected state in {seconds} s: {detail}");
        return detail;
    }

    public static Func<JsonElement, bool> StatusIs(string status) => d => d.GetProperty("instance").GetProperty("status").GetString() == status;

    public static Func<JsonElement, bool> AtStep(string stepId) => d => d.GetProperty("instance").GetProperty("currentStepId").GetString() == stepId;

    public static JsonElement Step(JsonElement detail, string stepId) => detail.GetProperty("steps").EnumerateArray().Last(s => s.GetProperty("stepId").GetString() == stepId);

    public static JsonElement OpenTask(JsonElement detail) =>
        detail.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("status").GetString() is "ready" or "in-progress" or "on-hold");

    public async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("workflowdb"));
        await db.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await command.ExecuteScalarAsync(Ct);
    }

    public static string Json(object value) => JsonSerializer.Serialize(value);

    public static JsonNode Node(string json) => JsonNode.Parse(json)!;

    public void Dispose() => Caller.Dispose();
}
