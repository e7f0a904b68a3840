/** Tells the app that the session ended under it (revoked elsewhere, refresh refused): it shows a message, never a blank page. */
type Listener = () => void;
const listeners = new Set<Listener>();

export const sessionEvents = {
  ended(): void {
    listeners.forEach((listener) => listener());
  },
  onEnded(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
