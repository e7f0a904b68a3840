using System.Net;
using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// The PHI access records of an organization: listed by patient and by user for holders of audit:read, each organization
/// its own; a chain that verifies, and that shows where a record was changed, removed or signed with an unknown key.
/// </summary>
public sealed class AccessAuditTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Audit = "/api/access-audit";

    private readonly ServiceCaller _content = new(stack, "content");

    public void Dispose() => _content.Dispose();

    private async Task<System.Text.Json.JsonElement> VerifyAsync(ServiceCaller.User admin)
    {
        using var verify = await _content.SendAsync(HttpMethod.Get, $"{Audit}/verify", admin.Token);
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        return await ServiceCaller.JsonAsync(verify);
    }

    [Fact]
    public async Task Records_are_listed_by_patient_and_by_user_for_the_organization_only_and_reading_them_is_recorded()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var stranger = await _content.NewOrganizationAdminAsync();
        Guid patient = Guid.NewGuid(), otherPatient = Guid.NewGuid(), nurse = Guid.NewGuid();
        await using var chain = await ContentAuditChain.CreateAsync(stack);
        await chain.AppendAsync(admin.OrganizationId,
            ContentAuditChain.Record(admin.OrganizationId, PhiActions.Read, patient, nurse),
            ContentAuditChain.Record(admin.OrganizationId, PhiActions.Update, otherPatient, nurse),
            ContentAuditChain.Record(admin.OrganizationId, PhiActions.Download, patient));
        await chain.AppendAsync(stranger.OrganizationId, ContentAuditChain.Record(stranger.OrganizationId, PhiActions.Read, patient, nurse));

        using (var byPatient = await _content.SendAsync(HttpMethod.Get, $"{Audit}?patientId={patient}", admin.Token))
        {
            Assert.Equal(HttpStatusCode.OK, byPatient.StatusCode);
            var page = await ServiceCaller.JsonAsync(byPatient);
            Assert.Equal(2, page.GetProperty("total").GetInt32());
            Assert.Equal([PhiActions.Download, PhiActions.Read], page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("action").GetString()));
        }
        using (var byUser = await _content.SendAsync(HttpMethod.Get, $"{Audit}?userId={nurse}", admin.Token))
        {
            var items = (await ServiceCaller.JsonAsync(byUser)).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal([PhiActions.Update, PhiActions.Read], items.Select(r => r.GetProperty("action").GetString()));
            Assert.All(items, r => Assert.Equal(nurse, r.GetProperty("userId").GetGuid()));
        }

        // The reading was recorded, as the admin, in the admin's organization, naming the patient but not the filter's value.
        using (var reads = await _content.SendAsync(HttpMethod.Get, $"{Audit}?userId={admin.Account.UserId}", admin.Token))
        {
            var first = (await ServiceCaller.JsonAsync(reads)).GetProperty("items").EnumerateArray().Last();
            Assert.Equal("read", first.GetProperty("action").GetString());
            Assert.Equal("AuditEvent", first.GetProperty("resourceType").GetString());
            Assert.Equal([patient], first.GetProperty("patientIds").EnumerateArray().Select(p => p.GetGuid()));
            Assert.Equal("patientId", first.GetProperty("query").GetString());
            Assert.False(string.IsNullOrEmpty(first.GetProperty("requestId").GetString()));
        }

        // The stranger's organization holds its own record only.
        using (var theirs = await _content.SendAsync(HttpMethod.Get, $"{Audit}?patientId={patient}", stranger.Token))
        {
            var page = await ServiceCaller.JsonAsync(theirs);
            Assert.Equal(1, page.GetProperty("total").GetInt32());
        }
        var verification = await VerifyAsync(admin);
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        Assert.Equal(6, verification.GetProperty("entries").GetInt64()); // three appended, three reads of the trail
    }

    [Theory]
    [InlineData("UPDATE phi_access_records SET action = 'search' WHERE chain_id = @chain AND sequence = @sequence", "changed")]
    [InlineData("UPDATE phi_access_records SET patient_ids = '{}' WHERE chain_id = @chain AND sequence = @sequence", "changed")]
    [InlineData("UPDATE phi_access_records SET occurred_at = occurred_at - interval '1 day' WHERE chain_id = @chain AND sequence = @sequence", "changed")]
    [InlineData("DELETE FROM phi_access_records WHERE chain_id = @chain AND sequence = @sequence", "missing")]
    [InlineData("UPDATE phi_access_records SET key_id = '0123456789abcdef' WHERE chain_id = @chain AND sequence = @sequence", "not configured")]
    public async Task Verification_finds_the_first_record_that_was_tampered_with(string tampering, string problem)
    {
        var admin = await _content.NewOrganizationAdminAsync();
        await using var chain = await ContentAuditChain.CreateAsync(stack);
        await chain.AppendAsync(admin.OrganizationId, [.. Enumerable.Range(0, 5).Select(_ => ContentAuditChain.Record(admin.OrganizationId, patientId: Guid.NewGuid()))]);
        var before = await VerifyAsync(admin);
        Assert.True(before.GetProperty("valid").GetBoolean(), before.ToString());

        Assert.Equal(1, await ContentAuditChain.TamperAsync(stack, tampering, admin.OrganizationId, sequence: 3));

        var after = await VerifyAsync(admin);
        Assert.False(after.GetProperty("valid").GetBoolean());
        Assert.Equal(3, after.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Contains(problem, after.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_re_signed_without_the_key_does_not_verify()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        await using var chain = await ContentAuditChain.CreateAsync(stack);
        await chain.AppendAsync(admin.OrganizationId, ContentAuditChain.Record(admin.OrganizationId), ContentAuditChain.Record(admin.OrganizationId));

        // An attacker rewrites the whole chain with a key of their own choosing, claiming the service's key id.
        await using var forger = await ContentAuditChain.CreateAsync(stack, key: new string('f', 48));
        var forged = ContentAuditChain.Record(admin.OrganizationId, PhiActions.Export);
        await forger.AppendAsync(admin.OrganizationId, forged);
        var serviceKeyId = MedicalHub.Data.Audit.AuditChainKeys.KeyIdOf(await stack.ParameterAsync("content-audit-key"));
        Assert.Equal(1, await ContentAuditChain.TamperAsync(stack,
            $"UPDATE phi_access_records SET key_id = '{serviceKeyId}' WHERE chain_id = @chain AND sequence = @sequence", admin.OrganizationId, sequence: 3));

        var verification = await VerifyAsync(admin);
        Assert.False(verification.GetProperty("valid").GetBoolean());
        Assert.Equal(3, verification.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Contains("changed", verification.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_database_refuses_to_change_or_remove_a_record()
    {
        var organization = Guid.NewGuid();
        await using var chain = await ContentAuditChain.CreateAsync(stack);
        await chain.AppendAsync(organization, ContentAuditChain.Record(organization));

        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("contentdb"));
        await db.OpenAsync(Ct);
        foreach (var sql in new[] { "UPDATE phi_access_records SET action = 'search' WHERE chain_id = @chain", "DELETE FROM phi_access_records WHERE chain_id = @chain" })
        {
            await using var command = new NpgsqlCommand(sql, db);
            command.Parameters.AddWithValue("chain", organization);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Ct));
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task After_a_key_rotation_older_records_verify_while_the_retired_key_is_kept()
    {
        var organization = Guid.NewGuid();
        string oldKey = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Guid.NewGuid().ToString("N"), newKey = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
        await using (var before = await ContentAuditChain.CreateAsync(stack, oldKey))
        {
            await before.AppendAsync(organization, ContentAuditChain.Record(organization), ContentAuditChain.Record(organization));
        }
        await using var rotated = await ContentAuditChain.CreateAsync(stack, newKey, oldKey);
        await rotated.AppendAsync(organization, ContentAuditChain.Record(organization));

        var verification = await rotated.Chain.VerifyAsync(organization, Ct);
        Assert.True(verification.Valid, verification.Problem);
        Assert.Equal(3, verification.Entries);

        await using var forgotten = await ContentAuditChain.CreateAsync(stack, newKey);
        var withoutOldKey = await forgotten.Chain.VerifyAsync(organization, Ct);
        Assert.Equal(1, withoutOldKey.FirstBrokenSequence);
        Assert.Contains("not configured", withoutOldKey.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_appends_to_one_chain_take_consecutive_positions_and_verify()
    {
        var organization = Guid.NewGuid();
        await using var chain = await ContentAuditChain.CreateAsync(stack);

        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => chain.AppendAsync(organization, ContentAuditChain.Record(organization, patientId: Guid.NewGuid()))));

        var verification = await chain.Chain.VerifyAsync(organization, Ct);
        Assert.True(verification.Valid, verification.Problem);
        Assert.Equal(24, verification.Entries);
    }

    [Fact]
    public async Task A_null_and_an_empty_field_sign_differently()
    {
        var organization = Guid.NewGuid();
        await using var chain = await ContentAuditChain.CreateAsync(stack);
        var withNull = ContentAuditChain.Record(organization);
        await chain.AppendAsync(organization, withNull);
        Assert.Equal(1, await ContentAuditChain.TamperAsync(stack,
            "UPDATE phi_access_records SET detail = '' WHERE chain_id = @chain AND sequence = @sequence", organization, sequence: 1));

        var verification = await chain.Chain.VerifyAsync(organization, Ct);
        Assert.False(verification.Valid);
        Assert.Equal(1, verification.FirstBrokenSequence);
    }

    [Fact]
    public async Task Reading_the_records_needs_audit_read()
    {
        var admin = await _content.NewOrganizationAdminAsync();
        var receptionist = await _content.MemberAsync(admin, IdentityClient.ReceptionistRole);

        foreach (var path in new[] { Audit, $"{Audit}/verify" })
        {
            using var refused = await _content.SendAsync(HttpMethod.Get, path, receptionist.Token);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            using var anonymous = await _content.SendAsync(HttpMethod.Get, path, token: null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
    }

    [Theory]
    [InlineData("action=peek")]
    [InlineData("pageSize=201")]
    [InlineData("page=0")]
    [InlineData("patientId=not-a-guid")]
    [InlineData("from=yesterday")]
    public async Task Bad_filters_are_a_4xx_problem(string query)
    {
        var admin = await _content.NewOrganizationAdminAsync();

        using var response = await _content.SendAsync(HttpMethod.Get, $"{Audit}?{query}", admin.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
