import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { data, workflowApi } from "@/lib/api/client";
import type { components } from "@/lib/api/schema/workflow";

export type Task = components["schemas"]["TaskView"];
export const taskViews = ["mine", "role", "overdue", "all"] as const;
export type TaskView = (typeof taskViews)[number];
export const isTaskView = (value: string | null): value is TaskView => (taskViews as readonly (string | null)[]).includes(value);
export const taskPageSize = 50;

const keys = {
  all: ["tasks"] as const,
  list: (view: TaskView, page: number) => ["tasks", view, page] as const,
};

/** A work list: mine (claimed by or assigned to me), my roles' unclaimed tasks, overdue, or all open tasks; most urgent first. */
export function useTasks(view: TaskView, page: number) {
  return useQuery({
    queryKey: keys.list(view, page),
    placeholderData: keepPreviousData,
    queryFn: () => data(workflowApi.GET("/api/tasks", { params: { query: { view, page, pageSize: taskPageSize } } })),
  });
}

/** Every work list is read again after a task changes (it may move from one list to another). */
function useTaskMutation<T>(call: (variables: T) => Promise<Task>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: call, onSettled: () => queryClient.invalidateQueries({ queryKey: keys.all }) });
}

export const useClaimTask = () => useTaskMutation((id: string) => data(workflowApi.POST("/api/tasks/{id}/claim", { params: { path: { id } } })));
export const useReleaseTask = () => useTaskMutation((id: string) => data(workflowApi.POST("/api/tasks/{id}/release", { params: { path: { id } } })));
export const useCompleteTask = () =>
  useTaskMutation(({ id, outcome, note }: { id: string; outcome: string; note: string }) =>
    data(workflowApi.POST("/api/tasks/{id}/complete", { params: { path: { id } }, body: { outcome: outcome || null, note: note.trim() || null } })),
  );
