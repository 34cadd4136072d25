// Drag the listing's photos into a new order (mouse or pen); the page then sends the
// order with its hidden form. The move buttons do the same without this script.
(function () {
  "use strict";
  var list = document.getElementById("photo-list");
  var form = document.getElementById("photo-order");
  if (!list || !form || list.children.length < 2) return;
  var dragged = null;

  Array.prototype.forEach.call(list.children, function (item) {
    item.draggable = true;
    item.addEventListener("dragstart", function (event) {
      dragged = item;
      event.dataTransfer.effectAllowed = "move";
      item.classList.add("ws-photo-dragging");
    });
    item.addEventListener("dragend", function () {
      item.classList.remove("ws-photo-dragging");
    });
    item.addEventListener("dragover", function (event) {
      if (!dragged || dragged === item) return;
      event.preventDefault();
      var box = item.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? item.nextSibling : item);
    });
  });

  list.addEventListener("drop", function (event) {
    if (!dragged) return;
    event.preventDefault();
    dragged = null;
    var ids = Array.prototype.map.call(list.children, function (item) {
      return item.id.replace("photo-", "");
    });
    form.elements.order.value = ids.join(",");
    form.submit();
  });

  // Only mice and pens drag; on touch screens the buttons stay the way.
  var hint = document.getElementById("photo-drag-hint");
  if (hint && window.matchMedia("(pointer: fine)").matches) hint.hidden = false;
})();
