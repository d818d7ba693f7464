-- Neovim's built-in LSP client (0.7 and later: vim.lsp.start_client and
-- buf_attach_client) opens a scenario, starts `herald lsp` on it, waits for its
-- diagnostics and checks that the expected one came, at the expected place.
-- Environment: HERALD (the binary), SCENARIO (the file), EXPECT_CODE, EXPECT_LINE and
-- EXPECT_COL (0-based, the column in UTF-16 units as the protocol counts).
local function fail(msg)
  io.stderr:write('nvim: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end

local herald, scenario = os.getenv('HERALD'), os.getenv('SCENARIO')
local want_code = os.getenv('EXPECT_CODE')
local want_line, want_col = tonumber(os.getenv('EXPECT_LINE')), tonumber(os.getenv('EXPECT_COL'))

vim.cmd('edit ' .. vim.fn.fnameescape(scenario))
local buf = vim.api.nvim_get_current_buf()
local published = nil
local id = vim.lsp.start_client({
  name = 'herald',
  cmd = { herald, 'lsp' },
  root_dir = vim.fn.fnamemodify(scenario, ':h'),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      published = result
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
if not id then
  fail('the client did not start')
end
vim.lsp.buf_attach_client(buf, id)

if not vim.wait(30000, function() return published ~= nil end, 50) then
  fail('no textDocument/publishDiagnostics within 30 s')
end

local found = nil
for _, d in ipairs(published.diagnostics) do
  if d.code == want_code then
    found = d
  end
end
if not found then
  fail('no ' .. want_code .. ' among ' .. vim.inspect(published.diagnostics))
end
local start = found.range.start
if start.line ~= want_line or start.character ~= want_col then
  fail(string.format('%s at %d:%d, expected %d:%d', want_code, start.line, start.character, want_line, want_col))
end
-- Neovim took it in as its own diagnostic too.
if #vim.diagnostic.get(buf) ~= #published.diagnostics then
  fail('vim.diagnostic has ' .. #vim.diagnostic.get(buf) .. ' diagnostics')
end
io.stderr:write(string.format('nvim %s: %d diagnostics from herald lsp, %s at %d:%d: ok\n',
  tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch),
  #published.diagnostics, want_code, start.line, start.character))
vim.lsp.stop_client(id)
vim.cmd('qall!')
