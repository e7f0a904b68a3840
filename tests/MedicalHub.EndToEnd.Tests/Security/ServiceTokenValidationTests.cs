using System.Net;
using MedicalHub.EndToEnd.Tests.Gateway;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Security;

/// <summary>
/// Content and Workflow check every token themselves (shared MedicalHub.Security, their own audience): the forgeries the
/// gateway refuses are refused when sent straight to the service, past the gateway.
/// </summary>
public sealed class ServiceTokenValidationTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Each service, an authenticated path of its own, and another service's audience.</summary>
    private static readonly Dictionary<string, (string Path, string OtherAudience)> Services = new(StringComparer.Ordinal)
    {
        ["content"] = ("/api/documents", "workflow"),
        ["workflow"] = ("/api/care-pathways", "content"),
    };

    public static TheoryData<string, string> BadTokensPerService()
    {
        var data = new TheoryData<string, string>();
        foreach (var service in Services.Keys)
        {
            foreach (var kind in GatewaySecurityTests.BadTokens)
            {
                data.Add(service, kind.Data);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadTokensPerService))]
    public async Task Forged_unsigned_expired_and_misdirected_tokens_get_401_directly_at_the_service(string service, string kind)
    {
        var token = await SignedInAsync();
        var (path, otherAudience) = Services[service];
        var bad = await ForgedTokens.MakeAsync(stack, kind, token, otherAudience);

        using var client = stack.CreateHttpClient(service);
        using var response = await client.SendAsync(GatewayClient.Request(HttpMethod.Get, path, bad), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(response.Headers.WwwAuthenticate.Count > 0);
    }

    [Theory]
    [InlineData("content")]
    [InlineData("workflow")]
    public async Task The_real_token_and_a_copy_signed_with_the_real_key_pass_so_the_forgeries_fail_for_their_one_defect(string service)
    {
        var token = await SignedInAsync();
        var (path, otherAudience) = Services[service];
        using var client = stack.CreateHttpClient(service);

        foreach (var good in new[] { token, await ForgedTokens.MakeAsync(stack, "control", token, otherAudience) })
        {
            using var response = await client.SendAsync(GatewayClient.Request(HttpMethod.Get, path, good), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private async Task<string> SignedInAsync()
    {
        using var identity = new IdentityClient(stack);
        return await identity.AccessTokenAsync(await identity.RegisterVerifiedAsync());
    }
}
