import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useSettings } from "@/lib/settings";
import { useAuth } from "@/lib/auth/auth";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { SelectField, TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Pager } from "@/components/pager";
import { Page, Section } from "@/components/page";
import { cn } from "@/lib/cn";
import { isTaskView, taskPageSize, taskViews, useClaimTask, useCompleteTask, useReleaseTask, useTasks, type Task, type TaskView } from "@/features/tasks/api/tasks";

const priorities = ["routine", "urgent", "asap", "stat"] as const;
const statuses = ["ready", "in-progress", "on-hold", "completed", "cancelled"] as const;
const isOneOf = <T extends string>(values: readonly T[], value: string): value is T => (values as readonly string[]).includes(value);

/** Work lists from Workflow: my tasks, my roles' tasks to claim, overdue ones; claim, give back, complete with an outcome. */
export default function TasksPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const viewParam = params.get("view");
  const view: TaskView = isTaskView(viewParam) ? viewParam : "mine";
  const page = Math.max(1, Number(params.get("page")) || 1);
  return (
    <Page title={t("tasks.title")} description={t("tasks.description")}>
      <nav aria-label={t("tasks.lists")} className="flex flex-wrap gap-2">
        {taskViews.map((v) => (
          <Link
            key={v}
            to={`/tasks?view=${v}`}
            aria-current={v === view ? "page" : undefined}
            className={cn(
              "rounded-md border px-3 py-2 text-sm font-medium",
              v === view ? "border-teal-700 bg-teal-700 text-white dark:border-teal-400 dark:bg-teal-400 dark:text-slate-950" : "border-slate-300 dark:border-slate-600",
            )}
          >
            {t(`tasks.views.${v}`)}
          </Link>
        ))}
      </nav>
      <Section title={t(`tasks.views.${view}`)}>
        <TaskList view={view} page={page} onPage={(next) => setParams({ view, ...(next > 1 ? { page: String(next) } : {}) })} />
      </Section>
    </Page>
  );
}

function TaskList({ view, page, onPage }: { view: TaskView; page: number; onPage: (page: number) => void }) {
  const { t } = useTranslation();
  const tasks = useTasks(view, page);
  if (tasks.isPending) return <LoadingState />;
  if (tasks.isError) return <ErrorState error={tasks.error} onRetry={() => void tasks.refetch()} />;
  const { items, total } = tasks.data;
  if (items.length === 0) return <p className="text-sm">{t("tasks.none")}</p>;
  const pages = Math.max(1, Math.ceil(Number(total) / taskPageSize));
  return (
    <div className="space-y-3">
      <ul aria-label={t("tasks.list")} className="divide-y divide-slate-200 dark:divide-slate-800">
        {items.map((task) => (
          <TaskRow key={task.id} task={task} />
        ))}
      </ul>
      {pages > 1 && <Pager label={t("tasks.pages")} page={page} pages={pages} onPage={onPage} />}
    </div>
  );
}

function TaskRow({ task }: { task: Task }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  const { claims, hasPermission } = useAuth();
  const claim = useClaimTask();
  const release = useReleaseTask();
  const canAct = hasPermission("tasks:write");
  const mine = task.claimedBy === claims?.sub;
  const open = task.status === "ready" || task.status === "in-progress";
  const failure = claim.error ?? release.error;
  const details = [
    isOneOf(priorities, task.priority) ? t(`tasks.priorities.${task.priority}`) : task.priority,
    isOneOf(statuses, task.status) ? t(`tasks.statuses.${task.status}`) : task.status,
    task.dueAt ? t("tasks.due", { date: format.dateTime(task.dueAt) }) : null,
    task.assignedRole ? t("tasks.forRole", { role: task.assignedRole }) : null,
    mine ? t("tasks.claimedByMe") : task.claimedBy ? t("tasks.claimedBySomeone") : null,
  ].filter(Boolean);
  return (
    <li className="space-y-2 py-3 text-sm">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="font-medium break-all">
            {task.title}
            {task.overdue && " "}
            {task.overdue && <span className="ml-2 rounded bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-800 dark:bg-red-950 dark:text-red-200">{t("tasks.overdue")}</span>}
          </p>
          <p className="text-slate-600 dark:text-slate-400">{details.join(" · ")}</p>
          {task.description && <p>{task.description}</p>}
          {task.patientId && hasPermission("patients:read") && (
            <Link className="text-teal-800 underline dark:text-teal-300" to={`/patients/${task.patientId}`}>
              {t("tasks.openChart")}
            </Link>
          )}
        </div>
        {canAct && open && (
          <div className="flex flex-wrap gap-2">
            {task.status === "ready" && !task.claimedBy && (
              <Button variant="secondary" busy={claim.isPending} onClick={() => claim.mutate(task.id)} aria-label={`${t("tasks.claim")}: ${task.title}`}>
                {t("tasks.claim")}
              </Button>
            )}
            {mine && (
              <Button variant="ghost" busy={release.isPending} onClick={() => release.mutate(task.id)} aria-label={`${t("tasks.release")}: ${task.title}`}>
                {t("tasks.release")}
              </Button>
            )}
          </div>
        )}
      </div>
      {failure && <ErrorState error={failure} />}
      {canAct && open && (mine || task.assignedUserId === claims?.sub) && <CompleteForm task={task} />}
    </li>
  );
}

function CompleteForm({ task }: { task: Task }) {
  const { t } = useTranslation();
  const outcomes = task.allowedOutcomes ?? [];
  const [outcome, setOutcome] = useState(outcomes[0] ?? "");
  const [note, setNote] = useState("");
  const complete = useCompleteTask();
  const error = isApiError(complete.error) ? complete.error : null;
  return (
    <form
      aria-label={t("tasks.completeForm", { title: task.title })}
      className="grid items-end gap-3 rounded-md bg-slate-50 p-3 sm:grid-cols-[1fr_2fr_auto] dark:bg-slate-800/50"
      onSubmit={(e) => {
        e.preventDefault();
        complete.mutate({ id: task.id, outcome, note });
      }}
    >
      {outcomes.length > 0 ? (
        <SelectField label={t("tasks.outcome")} value={outcome} onChange={(e) => setOutcome(e.target.value)} errors={error?.fieldErrors("outcome")}>
          {outcomes.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </SelectField>
      ) : (
        <span />
      )}
      <TextField label={t("tasks.note")} value={note} onChange={(e) => setNote(e.target.value)} errors={error?.fieldErrors("note")} />
      <Button type="submit" busy={complete.isPending}>
        {t("tasks.complete")}
      </Button>
      {complete.isError && !error?.hasFieldErrors && (
        <div className="sm:col-span-3">
          <ErrorState error={complete.error} />
        </div>
      )}
      {complete.isSuccess && <Alert tone="success" className="sm:col-span-3" title={t("tasks.completed")} />}
    </form>
  );
}
