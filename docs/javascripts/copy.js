// Copy only the code of an interactive Python example.
//
// Docstring examples are written as doctests: ">>> " and "... " prompts,
// with the expected output on the lines between. Material's copy button
// would copy all of it, which cannot be pasted into Python. For such a
// block, this handler copies the code lines without their prompts and leaves
// out the output; every other block is left to Material.
const PROMPT = /^(>>>|\.\.\.)( |$)/;

function codeOfExample(text) {
  const lines = text.split("\n");
  if (!lines.some((line) => line.startsWith(">>> "))) {
    return null;
  }
  return lines
    .filter((line) => PROMPT.test(line))
    .map((line) => line.replace(PROMPT, ""))
    .join("\n");
}

// Capture phase, so this runs before Material's own handler and can replace it.
document.addEventListener(
  "click",
  (event) => {
    const button = event.target.closest("button[data-clipboard-target]");
    if (!button) {
      return;
    }
    const block = document.querySelector(button.dataset.clipboardTarget);
    const code = block && codeOfExample(block.textContent);
    if (code === null || code === undefined) {
      return;
    }
    event.stopPropagation();
    event.preventDefault();
    navigator.clipboard.writeText(code);
  },
  true,
);
