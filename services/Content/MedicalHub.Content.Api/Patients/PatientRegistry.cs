using System.Text.Json;
using MedicalHub.Content.Api.AccessAudit;
using MedicalHub.Content.Api.Events;
using MedicalHub.Content.Api.Extensions;
using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authorization;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MedicalHub.Content.Api.Patients;

/// <summary>
/// The organization's patient registry: the one place patients are created, read, changed, searched and merged, for the
/// native API and the FHIR layer alike. Every read is recorded in the PHI access audit before the data is returned; every
/// change is recorded, versioned and published (<c>patient.*</c> through the outbox) in the transaction that makes it.
/// The organization is the caller's (the context's organization scope): another organization's patient is not found.
/// </summary>
public sealed class PatientRegistry(
    ContentDbContext db,
    PhiAccessAudit audit,
    IntegrationEventOutbox events,
    CurrentCaller caller,
    OrganizationScope organizations,
    TimeProvider time)
{
    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private Guid Organization => organizations.OrganizationId
        ?? throw new OrganizationScopeViolationException("Patients are only ever handled within an organization's scope.");

    public async Task<PatientOutcome> CreateAsync(PatientDetails details, CancellationToken cancellationToken)
    {
        if (details.Validate(Today) is { } errors)
        {
            return new PatientOutcome.Invalid(errors);
        }
        audit.StatedPurposeOfUse(); // a bad purpose of use is refused before anything is written
        return await InTransactionAsync("created", async ct =>
        {
            var organization = Organization;
            var mrnSystem = MedicalRecordNumbers.SystemOf(organization);
            var identifiers = (details.Identifiers ?? []).Select(i => NewIdentifier(i.System!, i.Value!, i.Use, i.TypeCode)).ToList();
            if (!identifiers.Any(i => i.System == mrnSystem))
            {
                identifiers.Insert(0, NewIdentifier(mrnSystem, await MedicalRecordNumbers.NextAsync(db, organization, ct), "usual", MedicalRecordNumbers.TypeCode));
            }
            if (await TakenIdentifierAsync(identifiers, except: null, ct) is { } taken)
            {
                return new PatientOutcome.Conflict($"The identifier {taken} already names another patient of the organization.");
            }

            var now = time.GetUtcNow();
            var patient = new Patient { CreatedAt = now, UpdatedAt = now, CreatedBy = caller.UserId, UpdatedBy = caller.UserId, Identifiers = identifiers };
            Apply(patient, details);
            db.Patients.Add(patient);
            var view = Keep(patient, "created", replaces: []);
            await audit.RecordWithinTransactionAsync(db, PhiAccess.OfPatient(PhiActions.Create, patient.Id), ct);
            events.Publish(db, PatientEvents.Created, organization, PatientEvents.ChangedData(patient, Organization));
            return new PatientOutcome.Saved(view);
        }, cancellationToken);
    }

    /// <summary>The patient, recorded as <paramref name="action"/> (a read, or a search hit opened); null when the organization has no such patient.</summary>
    public async Task<PatientView?> GetAsync(Guid id, string action, CancellationToken ct)
    {
        var patient = await db.Patients.AsNoTracking().Include(p => p.Identifiers).SingleOrDefaultAsync(p => p.Id == id, ct);
        if (patient is null)
        {
            return null;
        }
        var replaces = await db.Patients.Where(p => p.MergedIntoId == id).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct);
        await audit.RecordAsync(PhiAccess.OfPatient(action, id), ct);
        return PatientView.From(patient, replaces);
    }

    /// <summary>Replaces the patient's details, if <paramref name="expectedVersion"/> (when given) is still the current version.</summary>
    public async Task<PatientOutcome> UpdateAsync(Guid id, int? expectedVersion, PatientDetails details, CancellationToken cancellationToken)
    {
        if (details.Validate(Today) is { } errors)
        {
            return new PatientOutcome.Invalid(errors);
        }
        audit.StatedPurposeOfUse();
        return await InTransactionAsync("updated", async ct =>
        {
            var patient = await db.Patients.Include(p => p.Identifiers).Include(p => p.NameTerms).SingleOrDefaultAsync(p => p.Id == id, ct);
            if (patient is null)
            {
                return new PatientOutcome.NotFound();
            }
            if (expectedVersion is { } expected && expected != patient.Version)
            {
                return new PatientOutcome.VersionMismatch(patient.Version);
            }
            if (patient.MergedIntoId is { } survivor)
            {
                return new PatientOutcome.Conflict($"This record was merged into {survivor}; change that one.");
            }

            // The practice's MRN identifiers are the service's: kept whatever the update says.
            var mrnSystem = MedicalRecordNumbers.SystemOf(Organization);
            var wanted = (details.Identifiers ?? []).Where(i => i.System != mrnSystem).ToList();
            foreach (var gone in patient.Identifiers.Where(i => i.System != mrnSystem && !wanted.Any(w => w.System == i.System && w.Value == i.Value)).ToList())
            {
                patient.Identifiers.Remove(gone);
                db.PatientIdentifiers.Remove(gone);
            }
            foreach (var identifier in wanted)
            {
                if (patient.Identifiers.FirstOrDefault(i => i.System == identifier.System && i.Value == identifier.Value) is { } kept)
                {
                    kept.Use = identifier.Use;
                }
                else
                {
                    patient.Identifiers.Add(NewIdentifier(identifier.System!, identifier.Value!, identifier.Use, identifier.TypeCode, patient.Id));
                }
            }
            if (await TakenIdentifierAsync(patient.Identifiers, except: patient.Id, ct) is { } taken)
            {
                return new PatientOutcome.Conflict($"The identifier {taken} already names another patient of the organization.");
            }

            db.PatientNameTerms.RemoveRange(patient.NameTerms);
            Apply(patient, details);
            Touch(patient);
            var replaces = await db.Patients.Where(p => p.MergedIntoId == id).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct);
            var view = Keep(patient, "updated", replaces);
            await audit.RecordWithinTransactionAsync(db, PhiAccess.OfPatient(PhiActions.Update, patient.Id), ct);
            events.Publish(db, PatientEvents.Updated, Organization, PatientEvents.ChangedData(patient, Organization));
            return new PatientOutcome.Saved(view);
        }, cancellationToken);
    }

    /// <summary>
    /// Merges <paramref name="mergedId"/> into <paramref name="survivorId"/>: the merged record becomes inactive and points
    /// at the survivor (as do records merged into it before), its identifiers move to the survivor (as <c>old</c>), and the
    /// survivor's history includes the merged record's versions.
    /// </summary>
    public async Task<PatientOutcome> MergeAsync(Guid survivorId, Guid mergedId, int? expectedSurvivorVersion, CancellationToken cancellationToken)
    {
        if (survivorId == mergedId)
        {
            return new PatientOutcome.Invalid(new() { ["mergeId"] = ["A record cannot be merged into itself."] });
        }
        audit.StatedPurposeOfUse();
        return await InTransactionAsync("merged", async ct =>
        {
            var both = await db.Patients.Where(p => p.Id == survivorId || p.Id == mergedId).ToListAsync(ct);
            if (both.SingleOrDefault(p => p.Id == survivorId) is not { } survivor || both.SingleOrDefault(p => p.Id == mergedId) is not { } merged)
            {
                return new PatientOutcome.NotFound();
            }
            if (expectedSurvivorVersion is { } expected && expected != survivor.Version)
            {
                return new PatientOutcome.VersionMismatch(survivor.Version);
            }
            if (survivor.MergedIntoId is not null || merged.MergedIntoId is not null)
            {
                return new PatientOutcome.Conflict("A record that was merged into another cannot take part in a merge; use its survivor.");
            }

            await db.PatientIdentifiers.Where(i => i.PatientId == mergedId)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.PatientId, survivorId).SetProperty(i => i.Use, "old"), ct);
            await db.Entry(survivor).Collection(p => p.Identifiers).LoadAsync(ct);
            merged.Active = false;
            merged.MergedIntoId = survivor.Id;
            Touch(merged);
            Keep(merged, "merged", replaces: []);

            var earlier = await db.Patients.Where(p => p.MergedIntoId == mergedId).ToListAsync(ct);
            foreach (var record in earlier)
            {
                record.MergedIntoId = survivor.Id;
                Touch(record);
                Keep(record, "merged", replaces: []);
            }

            // The merged record's documents follow the survivor, and so do shares of its chart (the same person's chart).
            var now = time.GetUtcNow();
            var documents = await db.Documents.IgnoreQueryFilters([Documents.Document.NotDeletedFilter]).Where(d => d.PatientId == mergedId)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.PatientId, survivorId).SetProperty(d => d.Revision, d => d.Revision + 1).SetProperty(d => d.UpdatedAt, now), ct);
            var shares = await db.Shares.Where(share => share.PatientId == mergedId).ExecuteUpdateAsync(set => set.SetProperty(share => share.PatientId, survivorId), ct);

            Touch(survivor);
            var replaces = await db.Patients.Where(p => p.MergedIntoId == survivorId).Select(p => p.Id).ToListAsync(ct);
            var view = Keep(survivor, "absorbed", [.. replaces.Concat(earlier.Select(e => e.Id)).Append(merged.Id).Distinct().Order()]);
            await audit.RecordWithinTransactionAsync(db,
                new PhiAccess(PhiActions.Merge, "Patient", survivor.Id.ToString(), [survivor.Id, merged.Id],
                    Detail: $"merged {merged.Id} into {survivor.Id}; {documents} document(s) and {shares} chart share(s) moved"), ct);
            events.Publish(db, PatientEvents.Merged, Organization, new PatientEvents.PatientMerged(survivor.Id, merged.Id, survivor.Version));
            return new PatientOutcome.Saved(view);
        }, cancellationToken);
    }

    /// <summary>One page of the patients matching <paramref name="query"/>, in name order; the patients on it are recorded as a search.</summary>
    public async Task<(IReadOnlyList<PatientView> Items, int Total)> SearchAsync(PatientQuery query, int page, int pageSize, CancellationToken ct)
    {
        audit.StatedPurposeOfUse();
        var matching = Matching(query);
        var patients = await matching.OrderBy(p => p.SortName).ThenBy(p => p.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).Include(p => p.Identifiers).ToListAsync(ct);
        // A first page that is not full is every match: no second query to count them (the narrow searches of someone typing).
        var total = page == 1 && patients.Count < pageSize ? patients.Count : await matching.CountAsync(ct);
        var ids = patients.Select(p => p.Id).ToList();
        var merged = ids.Count == 0 ? [] : await db.Patients.Where(p => p.MergedIntoId != null && ids.Contains(p.MergedIntoId.Value))
            .Select(p => new { p.Id, Survivor = p.MergedIntoId!.Value }).ToListAsync(ct);
        await audit.RecordAsync(new PhiAccess(PhiActions.Search, "Patient", null, ids, Query: string.Join(',', query.ParameterNames)), ct);
        return ([.. patients.Select(p => PatientView.From(p, [.. merged.Where(m => m.Survivor == p.Id).Select(m => m.Id).Order()]))], total);
    }

    /// <summary>The versions of the patient's record and of the records merged into it, newest first; null when there is no such patient.</summary>
    public async Task<(IReadOnlyList<PatientVersionView> Items, int Total)?> HistoryAsync(Guid id, int page, int pageSize, CancellationToken ct)
    {
        if (!await db.Patients.AnyAsync(p => p.Id == id, ct))
        {
            return null;
        }
        var records = await db.Patients.Where(p => p.MergedIntoId == id).Select(p => p.Id).ToListAsync(ct);
        records.Add(id);
        var versions = db.PatientVersions.AsNoTracking().Where(v => records.Contains(v.PatientId));
        var total = await versions.CountAsync(ct);
        var items = await versions.OrderByDescending(v => v.RecordedAt).ThenByDescending(v => v.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(v => new PatientVersionView(v.PatientId, v.Version, v.Change, v.RecordedAt, v.RecordedBy)).ToListAsync(ct);
        await audit.RecordAsync(new PhiAccess(PhiActions.Read, "Patient", id.ToString(), records, Detail: "history"), ct);
        return (items, total);
    }

    /// <summary>The record as it was at <paramref name="version"/>; null when the patient or that version does not exist.</summary>
    public async Task<PatientView?> VersionAsync(Guid id, int version, CancellationToken ct)
    {
        var snapshot = await db.PatientVersions.AsNoTracking().Where(v => v.PatientId == id && v.Version == version).Select(v => v.Snapshot).SingleOrDefaultAsync(ct);
        if (snapshot is null)
        {
            return null;
        }
        await audit.RecordAsync(PhiAccess.OfPatient(PhiActions.ReadVersion, id, detail: $"version {version}"), ct);
        return JsonSerializer.Deserialize<PatientView>(snapshot, JsonSerializerOptions.Web);
    }

    /// <summary>The patients matching every condition of <paramref name="query"/> (the organization filter scopes them).</summary>
    public IQueryable<Patient> Matching(PatientQuery query)
    {
        var patients = db.Patients.AsNoTracking();
        foreach (var word in query.NameWords)
        {
            var terms = StartingWith(word);
            patients = patients.Where(p => terms.Select(t => t.PatientId).Contains(p.Id));
        }
        foreach (var word in query.FamilyWords)
        {
            var terms = StartingWith(word).Where(t => t.IsFamily);
            patients = patients.Where(p => terms.Select(t => t.PatientId).Contains(p.Id));
        }
        foreach (var word in query.GivenWords)
        {
            var terms = StartingWith(word).Where(t => !t.IsFamily);
            patients = patients.Where(p => terms.Select(t => t.PatientId).Contains(p.Id));
        }
        foreach (var word in query.PhoneticWords)
        {
            // The word's codes are computed by Postgres too (EF would try to run dmetaphone of a parameter in .NET);
            // the organization filter still applies to these rows.
            var terms = db.PatientNameTerms.FromSql($"""
                SELECT * FROM patient_name_terms
                WHERE phonetic IN (dmetaphone({word}), dmetaphone_alt({word})) OR phonetic_alternative = dmetaphone({word})
                """);
            patients = patients.Where(p => terms.Select(t => t.PatientId).Contains(p.Id));
        }
        foreach (var date in query.BirthDate)
        {
            var (start, end) = (date.Start, date.EndExclusive);
            patients = date.Prefix switch
            {
                "ne" => patients.Where(p => p.BirthDate < start || p.BirthDate >= end),
                "lt" or "eb" => patients.Where(p => p.BirthDate < start),
                "le" => patients.Where(p => p.BirthDate < end),
                "gt" or "sa" => patients.Where(p => p.BirthDate >= end),
                "ge" => patients.Where(p => p.BirthDate >= start),
                _ => patients.Where(p => p.BirthDate >= start && p.BirthDate < end),
            };
        }
        foreach (var identifier in query.Identifiers)
        {
            var (system, value) = (identifier.System, identifier.Value);
            patients = (system, value) switch
            {
                ({ Length: > 0 }, null) => patients.Where(p => p.Identifiers.Any(i => i.System == system)),
                (null, _) => patients.Where(p => p.Identifiers.Any(i => i.Value == value)),
                ("", _) => patients.Where(_ => false), // "|value": an identifier without a system, which no patient has here
                _ => patients.Where(p => p.Identifiers.Any(i => i.System == system && i.Value == value)),
            };
        }
        if (query.Ids.Count > 0)
        {
            var ids = query.Ids.ToArray();
            patients = patients.Where(p => ids.Contains(p.Id));
        }
        if (query.Active is { } active)
        {
            patients = patients.Where(p => p.Active == active);
        }
        return patients;
    }

    /// <summary>Name terms starting with <paramref name="prefix"/>: a range over the C-collated term, which the index serves.</summary>
    private IQueryable<PatientNameTerm> StartingWith(string prefix)
    {
        var upper = PatientNames.UpperBound(prefix);
#pragma warning disable CA1309 // not run in .NET: EF translates it to SQL's >= and <, under the column's C collation
        return db.PatientNameTerms.Where(t => string.Compare(t.Term, prefix) >= 0 && string.Compare(t.Term, upper) < 0);
#pragma warning restore CA1309
    }

    private static void Apply(Patient patient, PatientDetails details)
    {
        patient.Names = [.. (details.Names ?? []).Select(n => n with
        {
            Family = Trimmed(n.Family),
            Given = [.. (n.Given ?? []).Select(g => g.Trim())],
            Prefix = [.. (n.Prefix ?? []).Select(g => g.Trim())],
            Suffix = [.. (n.Suffix ?? []).Select(g => g.Trim())],
            Text = Trimmed(n.Text),
        })];
        patient.BirthDate = details.BirthDate;
        patient.Gender = details.Gender;
        patient.Active = details.Active ?? true;
        patient.Telecom = [.. (details.Telecom ?? []).Select(c => c with { Value = c.Value!.Trim() })];
        patient.Addresses = [.. (details.Addresses ?? []).Select(a => a with { Line = [.. (a.Line ?? []).Select(l => l.Trim())] })];
        patient.SortName = PatientNames.SortNameOf(patient.Names);
        patient.NameTerms = PatientNames.TermsOf(patient);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private void Touch(Patient patient)
    {
        patient.Version++;
        patient.UpdatedAt = time.GetUtcNow();
        patient.UpdatedBy = caller.UserId;
    }

    /// <summary>Keeps the record's current version in its history; returns it as the API shows it.</summary>
    private PatientView Keep(Patient patient, string change, IReadOnlyList<Guid> replaces)
    {
        var view = PatientView.From(patient, replaces);
        db.PatientVersions.Add(new PatientVersion
        {
            PatientId = patient.Id,
            Version = patient.Version,
            Change = change,
            Snapshot = JsonSerializer.Serialize(view, JsonSerializerOptions.Web),
            RecordedAt = patient.UpdatedAt,
            RecordedBy = caller.UserId,
        });
        return view;
    }

    private static PatientIdentifier NewIdentifier(string system, string value, string? use, string? typeCode, Guid patientId = default) =>
        new() { System = system.Trim(), Value = value.Trim(), Use = use, TypeCode = typeCode, PatientId = patientId };

    /// <summary>The first of <paramref name="identifiers"/> that names another patient of the organization, as "system|value".</summary>
    private async Task<string?> TakenIdentifierAsync(IEnumerable<PatientIdentifier> identifiers, Guid? except, CancellationToken ct)
    {
        var wanted = identifiers.Select(i => (i.System, i.Value)).ToList();
        var values = wanted.Select(w => w.Value).Distinct().ToArray();
        var sameValues = await db.PatientIdentifiers.AsNoTracking()
            .Where(i => values.Contains(i.Value) && i.PatientId != except)
            .Select(i => new { i.System, i.Value }).ToListAsync(ct);
        return sameValues.Where(i => wanted.Contains((i.System, i.Value))).Select(i => $"{i.System}|{i.Value}").FirstOrDefault();
    }

    /// <summary>
    /// Runs a change in one transaction (retried whole on a transient failure) and commits it when it is
    /// <see cref="PatientOutcome.Saved"/>; two changes racing on a record or an identifier end as a mismatch or a conflict.
    /// </summary>
    private async Task<PatientOutcome> InTransactionAsync(string kind, Func<CancellationToken, Task<PatientOutcome>> change, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            return await strategy.ExecuteAsync(async ct =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var outcome = await change(ct);
                if (outcome is PatientOutcome.Saved)
                {
                    await db.SaveChangesAsync(ct);
                    await transaction.CommitAsync(ct);
                    ContentMetrics.PatientChanges.Add(1, new KeyValuePair<string, object?>("change", kind));
                }
                return outcome;
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new PatientOutcome.VersionMismatch(null);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ix_patient_versions_patient_id_version" })
        {
            // Another change of the same version committed first: its version row took the number.
            return new PatientOutcome.VersionMismatch(null);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return new PatientOutcome.Conflict("An identifier of this patient was just given to another patient of the organization.");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
