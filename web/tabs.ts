// The right pane's tabs, as the WAI-ARIA tabs pattern has them: one tab stop, arrow keys, Home and End
// move between tabs and show each at once.

export class Tabs {
  private readonly tabs: HTMLButtonElement[];

  constructor(list: HTMLElement, private readonly onShow: (id: string) => void) {
    this.tabs = [...list.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
    for (const tab of this.tabs) {
      tab.addEventListener('click', () => this.show(tab.id));
      tab.addEventListener('keydown', (e) => this.keydown(e, tab));
    }
  }

  get current(): string {
    return this.tabs.find((t) => t.getAttribute('aria-selected') === 'true')?.id ?? this.tabs[0].id;
  }

  show(id: string, focus = false): void {
    for (const tab of this.tabs) {
      const selected = tab.id === id;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(tab.getAttribute('aria-controls') ?? '');
      if (panel) panel.hidden = !selected;
      if (selected && focus) tab.focus();
    }
    this.onShow(id);
  }

  /** Shows or hides a tab (one whose view the result may not have); a hidden current tab gives way to the first. */
  setAvailable(id: string, available: boolean): void {
    const tab = this.tabs.find((t) => t.id === id);
    if (!tab || tab.hidden === !available) return;
    tab.hidden = !available;
    if (!available && this.current === id) this.show(this.tabs[0].id);
  }

  private keydown(e: KeyboardEvent, tab: HTMLButtonElement): void {
    const visible = this.tabs.filter((t) => !t.hidden);
    const i = visible.indexOf(tab);
    const target = e.key === 'ArrowRight' ? visible[(i + 1) % visible.length]
      : e.key === 'ArrowLeft' ? visible[(i - 1 + visible.length) % visible.length]
        : e.key === 'Home' ? visible[0]
          : e.key === 'End' ? visible[visible.length - 1]
            : undefined;
    if (!target) return;
    e.preventDefault();
    this.show(target.id, true);
  }
}
