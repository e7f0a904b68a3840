using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>The native patients API as the web app calls it, for the tests.</summary>
internal static class PatientClient
{
    public const string Patients = "/api/patients";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static object Details(string family, string given, string? birthDate = "1980-05-17", string gender = "female", params object[] identifiers) => new
    {
        names = new[] { new { use = "official", family, given = new[] { given } } },
        birthDate,
        gender,
        identifiers,
        telecom = new[] { new { system = "phone", value = "+33 1 23 45 67 89", use = "mobile" } },
        addresses = new[] { new { use = "home", line = new[] { "12 rue des Lilas" }, city = "Lyon", postalCode = "69003", country = "FR" } },
    };

    public static async Task<JsonElement> CreateAsync(ServiceCaller content, ServiceCaller.User user, object details)
    {
        using var created = await content.SendAsync(HttpMethod.Post, Patients, user.Token, details);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        return await ServiceCaller.JsonAsync(created);
    }

    public static async Task<HttpResponseMessage> SendAsync(ServiceCaller content, HttpMethod method, string path, string token, object? body = null,
        string? ifMatch = null, string? purposeOfUse = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (purposeOfUse is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Purpose-Of-Use", purposeOfUse);
        }
        return await content.Http.SendAsync(request, Ct);
    }

    public static async Task<JsonElement> SearchAsync(ServiceCaller content, ServiceCaller.User user, string query)
    {
        using var response = await content.SendAsync(HttpMethod.Get, $"{Patients}?{query}", user.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await ServiceCaller.JsonAsync(response);
    }

    public static Guid[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid())];

    /// <summary>The organization's PHI access records naming <paramref name="patientId"/>, newest first (reading them adds one).</summary>
    public static async Task<JsonElement[]> AccessRecordsAsync(ServiceCaller content, ServiceCaller.User admin, Guid patientId)
    {
        using var response = await content.SendAsync(HttpMethod.Get, $"/api/access-audit?patientId={patientId}&pageSize=200", admin.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return [.. (await ServiceCaller.JsonAsync(response)).GetProperty("items").EnumerateArray()];
    }
}
